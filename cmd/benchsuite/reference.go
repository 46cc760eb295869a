package main

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5/pgtype"
)

// reference is a reference SQL file: plain SQL over the contract tables, with a header naming its
// bind parameters in a line "-- args: from, to, ..." ($1 is the first name, $2 the second...), and
// optionally a line "-- keys: r, f, m" naming numeric columns that identify a row (text and time
// columns always do).
type reference struct {
	sql  string
	args []string
	keys []string
}

var (
	argsLine = regexp.MustCompile(`(?m)^--\s*args:\s*(.*)$`)
	keysLine = regexp.MustCompile(`(?m)^--\s*keys:\s*(.*)$`)
)

func loadReference(path string) (reference, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return reference{}, err
	}
	r := reference{sql: string(raw)}
	m := argsLine.FindStringSubmatch(r.sql)
	if m == nil {
		return r, fmt.Errorf("%s: no \"-- args:\" header line", path)
	}
	for _, a := range strings.Split(m[1], ",") {
		a = strings.TrimSpace(a)
		if _, ok := argValue(a, time.Time{}, time.Time{}, model{}); !ok {
			return r, fmt.Errorf("%s: unknown argument %q (use from, to, prev_from, lookback_from, prev_lookback_from, bucket, accounts, content_kind, group)", path, a)
		}
		r.args = append(r.args, a)
	}
	if m := keysLine.FindStringSubmatch(r.sql); m != nil {
		for _, k := range strings.Split(m[1], ",") {
			r.keys = append(r.keys, strings.TrimSpace(k))
		}
	}
	return r, nil
}

// argValue is a named bind parameter for the range [from, to) in UTC days: prev_from starts the
// previous period of the same length; lookback_from is 365 days before from (the default new-buyer
// look-back), prev_lookback_from 365 days before prev_from. The others come from the view's query
// model, so that one file serves the views that differ only by them, as a dashboard variable
// would: bucket ("day", "week"...), accounts (text[], empty: all), content_kind ("live", "video",
// "" for both) and group (the followers' "new" or "active").
func argValue(name string, from, to time.Time, m model) (any, bool) {
	days := int(math.Round(to.Sub(from).Hours() / 24))
	prevFrom := from.AddDate(0, 0, -days)
	switch name {
	case "from":
		return from, true
	case "to":
		return to, true
	case "prev_from":
		return prevFrom, true
	case "lookback_from":
		return from.AddDate(0, 0, -365), true
	case "prev_lookback_from":
		return prevFrom.AddDate(0, 0, -365), true
	case "bucket":
		return m.Bucket, true
	case "accounts":
		if m.Accounts == nil {
			return []string{}, true
		}
		return m.Accounts, true
	case "content_kind":
		return m.ContentKind, true
	case "group":
		return m.Group, true
	}
	return nil, false
}

func (r reference) bind(from, to time.Time, m model) []any {
	out := make([]any, len(r.args))
	for i, a := range r.args {
		out[i], _ = argValue(a, from, to, m)
	}
	return out
}

// compare checks the reference's rows against the frame: each reference column must be a field of
// the frame with the same name, or a label key of its fields; text and time columns, label keys
// and the columns named in keys are the row keys; the other numeric columns must agree (integers
// exactly, others within 1e-9 relative), NULL only with null. A frame whose fields carry labels (a
// series per account: the same names, one label set each) is read as one row per frame row and
// label set, in the long form a reference writes. It returns the differences.
func compare(cols, keys []string, rows [][]any, frames data.Frames) []string {
	if len(frames) == 0 {
		return []string{"the plugin answered no frame"}
	}
	f := frames[0]
	// The label sets of the series, and each field by name and label set; an unlabelled field (the
	// time) serves every set.
	var sets []data.Labels
	seen := map[string]bool{}
	fields := map[string]*data.Field{}
	for _, fd := range f.Fields {
		fields[fd.Name+"\x00"+fd.Labels.String()] = fd
		if len(fd.Labels) > 0 && !seen[fd.Labels.String()] {
			seen[fd.Labels.String()] = true
			sets = append(sets, fd.Labels)
		}
	}
	if len(sets) == 0 {
		sets = []data.Labels{nil}
	}
	field := func(name string, set data.Labels) *data.Field {
		if fd := fields[name+"\x00"+set.String()]; fd != nil {
			return fd
		}
		return fields[name+"\x00"]
	}
	isLabel := func(c string) bool { _, ok := sets[0][c]; return ok }
	var diffs []string
	var keyCols, valCols []int
	for i, c := range cols {
		switch {
		case isLabel(c):
			keyCols = append(keyCols, i)
			continue
		case field(c, sets[0]) == nil:
			diffs = append(diffs, fmt.Sprintf("the frame has no field %q (fields: %s)", c, fieldNames(f)))
			continue
		}
		switch field(c, sets[0]).Type() {
		case data.FieldTypeString, data.FieldTypeNullableString, data.FieldTypeTime, data.FieldTypeNullableTime:
			keyCols = append(keyCols, i)
		default:
			if slices.Contains(keys, c) {
				keyCols = append(keyCols, i)
			} else {
				valCols = append(valCols, i)
			}
		}
	}
	if len(diffs) > 0 {
		return diffs
	}
	type at struct {
		set data.Labels
		row int
	}
	frameRows := map[string]at{}
	for _, set := range sets {
		for r := 0; r < f.Rows(); r++ {
			var k []string
			for _, i := range keyCols {
				if isLabel(cols[i]) {
					k = append(k, set[cols[i]])
				} else {
					k = append(k, keyText(field(cols[i], set).At(r)))
				}
			}
			frameRows[strings.Join(k, " | ")] = at{set, r}
		}
	}
	if n := len(sets) * f.Rows(); len(rows) != n {
		diffs = append(diffs, fmt.Sprintf("%d reference rows, %d frame rows", len(rows), n))
	}
	for _, row := range rows {
		var k []string
		for _, i := range keyCols {
			k = append(k, keyText(row[i]))
		}
		key := strings.Join(k, " | ")
		a, ok := frameRows[key]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("row [%s]: not in the frame", key))
			continue
		}
		for _, i := range valCols {
			want, wantOK := number(row[i])
			got, gotOK := number(field(cols[i], a.set).At(a.row))
			switch {
			case !wantOK && !gotOK:
			case wantOK != gotOK:
				diffs = append(diffs, fmt.Sprintf("row [%s] %s: reference %v, plugin %v", key, cols[i], show(row[i]), show(field(cols[i], a.set).At(a.row))))
			case !close(want, got):
				diffs = append(diffs, fmt.Sprintf("row [%s] %s: reference %v, plugin %v (diff %.3g)", key, cols[i], want, got, got-want))
			}
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 20 {
		diffs = append(diffs[:20], fmt.Sprintf("... and %d more", len(diffs)-20))
	}
	return diffs
}

func close(a, b float64) bool {
	d := math.Abs(a - b)
	return d <= 1e-9*math.Max(math.Abs(a), math.Abs(b)) || d < 1e-12
}

func fieldNames(f *data.Frame) string {
	var n []string
	for _, fd := range f.Fields {
		n = append(n, fd.Name)
	}
	return strings.Join(n, ", ")
}

func keyText(v any) string {
	switch x := v.(type) {
	case nil:
		return "<null>"
	case *string:
		if x == nil {
			return "<null>"
		}
		return *x
	case time.Time:
		return x.UTC().Format(time.RFC3339)
	case *time.Time:
		if x == nil {
			return "<null>"
		}
		return x.UTC().Format(time.RFC3339)
	}
	return fmt.Sprint(v)
}

// number reads a numeric value of either side; false for NULL.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case nil:
		return 0, false
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case int16:
		return float64(x), true
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case *int64:
		if x == nil {
			return 0, false
		}
		return float64(*x), true
	case *float64:
		if x == nil {
			return 0, false
		}
		return *x, true
	case pgtype.Numeric:
		f, err := x.Float64Value()
		if err != nil || !f.Valid {
			return 0, false
		}
		return f.Float64, true
	}
	return math.NaN(), true
}

func show(v any) any {
	if f, ok := number(v); ok {
		return f
	}
	return "NULL"
}
