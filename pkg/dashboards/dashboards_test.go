// Package dashboards tests the provisioned dashboards and alert rules: each file is a dashboard
// Grafana can load, and every panel's queries, sent through the plugin to a demo shop, answer a
// frame of the shape the panel draws.
package dashboards

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
	"github.com/storelens/customer-analytics-datasource/pkg/plugin"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

const pluginType = "storelens-customeranalytics-datasource"

var provisioning = filepath.Join("..", "..", "provisioning")

type gridPos struct {
	X, Y, W, H *int
}

type panel struct {
	ID              *int              `json:"id"`
	Type            string            `json:"type"`
	Title           string            `json:"title"`
	GridPos         *gridPos          `json:"gridPos"`
	Datasource      json.RawMessage   `json:"datasource"`
	Targets         []json.RawMessage `json:"targets"`
	Transformations []transformation  `json:"transformations"`
	Panels          []panel           `json:"panels"`
	Options         json.RawMessage   `json:"options"`
}

type transformation struct {
	ID      string          `json:"id"`
	Options json.RawMessage `json:"options"`
}

type variable struct {
	Name    string          `json:"name"`
	Type    string          `json:"type"`
	Query   json.RawMessage `json:"query"`
	Current struct {
		Value any `json:"value"`
	} `json:"current"`
	Options []struct {
		Value string `json:"value"`
	} `json:"options"`
	Datasource json.RawMessage `json:"datasource"`
	Multi      bool            `json:"multi"`
}

type dashboard struct {
	UID           string `json:"uid"`
	Title         string `json:"title"`
	SchemaVersion int    `json:"schemaVersion"`
	Tags          []string
	Time          struct{ From, To string }
	Templating    struct {
		List []variable `json:"list"`
	} `json:"templating"`
	Panels []panel `json:"panels"`
}

func loadDashboards(t *testing.T) map[string]dashboard {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(provisioning, "dashboards", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no dashboards: %v", err)
	}
	out := map[string]dashboard{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d dashboard
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%s: not valid JSON: %v", f, err)
		}
		out[filepath.Base(f)] = d
	}
	return out
}

// allPanels lists the panels of d, those inside collapsed rows included.
func allPanels(d dashboard) []panel {
	var out []panel
	for _, p := range d.Panels {
		out = append(out, p)
		out = append(out, p.Panels...)
	}
	return out
}

func TestDashboardSchema(t *testing.T) {
	uids := map[string]string{}
	for name, d := range loadDashboards(t) {
		t.Run(name, func(t *testing.T) {
			if d.UID == "" || len(d.UID) > 40 || d.Title == "" {
				t.Errorf("uid %q (1–40 characters) and title %q are required", d.UID, d.Title)
			}
			if other, ok := uids[d.UID]; ok {
				t.Errorf("uid %q also used by %s", d.UID, other)
			}
			uids[d.UID] = name
			if d.SchemaVersion != 39 {
				t.Errorf("schemaVersion %d, want 39", d.SchemaVersion)
			}
			if strings.Join(d.Tags, ",") != "customer-analytics" {
				t.Errorf("tags %v", d.Tags)
			}
			if d.Time.From != "now-30d" || d.Time.To != "now" {
				t.Errorf("time %v, want the last 30 days", d.Time)
			}
			var dsVar bool
			for _, v := range d.Templating.List {
				if v.Name == "datasource" && v.Type == "datasource" && string(v.Query) == `"`+pluginType+`"` {
					dsVar = true
				}
			}
			if !dsVar {
				t.Error("no datasource variable of the plugin's type")
			}
			ids := map[int]bool{}
			for _, p := range allPanels(d) {
				if p.ID == nil || p.Type == "" || p.GridPos == nil || p.GridPos.X == nil || p.GridPos.Y == nil || p.GridPos.W == nil || p.GridPos.H == nil {
					t.Errorf("panel %q: id, type and a full gridPos are required", p.Title)
					continue
				}
				if ids[*p.ID] {
					t.Errorf("duplicate panel id %d", *p.ID)
				}
				ids[*p.ID] = true
				g := p.GridPos
				if *g.X < 0 || *g.W < 1 || *g.X+*g.W > 24 || *g.H < 1 || *g.Y < 0 {
					t.Errorf("panel %d %q: gridPos x=%d w=%d h=%d outside the 24 columns", *p.ID, p.Title, *g.X, *g.W, *g.H)
				}
				if p.Type == "row" {
					continue
				}
				if len(p.Targets) == 0 {
					t.Errorf("panel %d %q has no targets", *p.ID, p.Title)
				}
				var ds struct{ Type, UID string }
				if err := json.Unmarshal(p.Datasource, &ds); err != nil || ds.Type != pluginType || ds.UID != "${datasource}" {
					t.Errorf("panel %d %q: datasource %s", *p.ID, p.Title, p.Datasource)
				}
			}
		})
	}
}

// demo is the plugin pointed at a read-only demo shop, and the range the panels are asked for.
type demo struct {
	ds    *plugin.Datasource
	rng   backend.TimeRange
	inter time.Duration
}

func newDemo(t *testing.T) demo {
	t.Helper()
	name := pgtest.DemoTemplate(t, 3000, nil)
	dsn := pgtest.WithDatabase(pgtest.AdminDSN(t), name)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(map[string]any{"host": cfg.Host, "port": cfg.Port, "database": cfg.Database, "user": cfg.User,
		"sslMode": "disable", "timeZone": "UTC", "currency": "USD", "statementTimeoutSeconds": 60})
	inst, err := plugin.NewDatasource(context.Background(), backend.DataSourceInstanceSettings{JSONData: raw, DecryptedSecureJSONData: map[string]string{"password": ""}})
	if err != nil {
		t.Fatal(err)
	}
	d := inst.(*plugin.Datasource)
	t.Cleanup(d.Dispose)
	return demo{ds: d, rng: backend.TimeRange{From: pgtest.DemoEnd.AddDate(0, 0, -90), To: pgtest.DemoEnd}, inter: 24 * time.Hour}
}

// run sends one query (JSON as a panel holds it, variables replaced) and returns its frames.
func (dm demo) run(t *testing.T, raw []byte, rng backend.TimeRange, interval time.Duration) (data.Frames, error) {
	t.Helper()
	var head struct {
		QueryType string `json:"queryType"`
		RefID     string `json:"refId"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		t.Fatalf("query %s: %v", raw, err)
	}
	resp, err := dm.ds.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
		{RefID: "A", QueryType: head.QueryType, JSON: raw, TimeRange: rng, Interval: interval, MaxDataPoints: 1000},
	}})
	if err != nil {
		t.Fatal(err)
	}
	r := resp.Responses["A"]
	// A warning (an option the query type does not read) means the saved query is not what the
	// panel seems to ask for.
	for _, f := range r.Frames {
		if f.Meta == nil {
			continue
		}
		for _, n := range f.Meta.Notices {
			if n.Severity == data.NoticeSeverityWarning {
				t.Errorf("query %s: warning %q", raw, n.Text)
			}
		}
	}
	return r.Frames, r.Error
}

var varRef = regexp.MustCompile(`\$\{?(\w+)\}?`)

// interpolate replaces the dashboard variables of a target with values, as the front end does:
// a multi-value variable inside a list ("accounts": ["$account"]) with all accounts becomes [].
func interpolate(t *testing.T, target json.RawMessage, values map[string]string) []byte {
	t.Helper()
	var q map[string]any
	if err := json.Unmarshal(target, &q); err != nil {
		t.Fatal(err)
	}
	delete(q, "datasource")
	for k, v := range q {
		switch v := v.(type) {
		case string:
			q[k] = varRef.ReplaceAllStringFunc(v, func(m string) string {
				name := varRef.FindStringSubmatch(m)[1]
				val, ok := values[name]
				if !ok {
					t.Errorf("field %s: unknown variable %s", k, m)
				}
				return val
			})
		case []any:
			out := []any{}
			for _, e := range v {
				s, _ := e.(string)
				if varRef.MatchString(s) {
					continue // multi-value variable at "All": every id, which the backend reads as []
				}
				out = append(out, e)
			}
			q[k] = out
		}
	}
	raw, _ := json.Marshal(q)
	return raw
}

// customVariants lists the variable assignments a dashboard is tested with: the defaults, then
// each option of each custom variable, and of each query variable whose options the dashboard
// lists (Grafana refreshes them on load), with the others at their defaults.
func customVariants(d dashboard) []map[string]string {
	def := map[string]string{}
	for _, v := range d.Templating.List {
		if s, ok := v.Current.Value.(string); ok {
			def[v.Name] = s
		}
	}
	out := []map[string]string{def}
	for _, v := range d.Templating.List {
		if v.Type != "custom" && v.Type != "query" {
			continue
		}
		for _, o := range v.Options {
			if o.Value == def[v.Name] {
				continue
			}
			m := map[string]string{}
			for k, val := range def {
				m[k] = val
			}
			m[v.Name] = o.Value
			out = append(out, m)
		}
	}
	return out
}

func fieldByName(f *data.Frame, name string) *data.Field {
	for _, fl := range f.Fields {
		if fl.Name == name {
			return fl
		}
	}
	return nil
}

// displayName is the name Grafana shows for a field the panel does not rename: the backend's
// display name, else the field name. Regexp matchers, filterByValue and groupingToMatrix match it.
func displayName(fl *data.Field) string {
	if fl.Config != nil && fl.Config.DisplayNameFromDS != "" {
		return fl.Config.DisplayNameFromDS
	}
	return fl.Name
}

func fieldByDisplayName(f *data.Frame, name string) *data.Field {
	for _, fl := range f.Fields {
		if displayName(fl) == name {
			return fl
		}
	}
	return nil
}

// jsRegexp turns a Grafana regexp option ("/re/flags" or a bare pattern) into a Go regexp.
func jsRegexp(t *testing.T, s string) *regexp.Regexp {
	t.Helper()
	if m := regexp.MustCompile(`^/(.*)/([a-z]*)$`).FindStringSubmatch(s); m != nil {
		s = m[1]
		if strings.Contains(m[2], "i") {
			s = "(?i)" + s
		}
	}
	re, err := regexp.Compile(s)
	if err != nil {
		t.Fatalf("regexp %q: %v", s, err)
	}
	return re
}

// applyTransformations applies the transformations the test knows (filterByValue with equal,
// filterFieldsByName) and checks the fields the others name exist.
func applyTransformations(t *testing.T, f *data.Frame, trs []transformation) *data.Frame {
	t.Helper()
	for _, tr := range trs {
		switch tr.ID {
		case "filterByValue":
			var o struct {
				Type    string `json:"type"`
				Filters []struct {
					FieldName string `json:"fieldName"`
					Config    struct {
						ID      string `json:"id"`
						Options struct {
							Value string `json:"value"`
						} `json:"options"`
					} `json:"config"`
				} `json:"filters"`
			}
			_ = json.Unmarshal(tr.Options, &o)
			if len(o.Filters) != 1 {
				t.Errorf("filterByValue: %d filters; this test checks exactly one", len(o.Filters))
			}
			exclude := o.Type == "exclude"
			if !exclude && o.Type != "include" {
				t.Errorf("filterByValue: type %q, want include or exclude", o.Type)
			}
			for _, flt := range o.Filters {
				fl := fieldByDisplayName(f, flt.FieldName)
				if fl == nil || flt.Config.ID != "equal" {
					t.Errorf("filterByValue: no field displayed as %q in %v (or not an equal filter)", flt.FieldName, displayNames(f))
					continue
				}
				var keep []int
				for i := 0; i < fl.Len(); i++ {
					v, ok := fl.ConcreteAt(i)
					if (ok && v == flt.Config.Options.Value) != exclude {
						keep = append(keep, i)
					}
				}
				out := f.EmptyCopy()
				for _, i := range keep {
					out.AppendRow(f.RowCopy(i)...)
				}
				f = out
			}
		case "filterFieldsByName":
			var o struct {
				Include struct {
					Names   []string `json:"names"`
					Pattern string   `json:"pattern"`
				} `json:"include"`
			}
			_ = json.Unmarshal(tr.Options, &o)
			// As in Grafana: names match the field name or its display name, a pattern the display name.
			var re *regexp.Regexp
			if o.Include.Pattern != "" {
				re = jsRegexp(t, o.Include.Pattern)
			}
			names := map[string]bool{}
			for _, n := range o.Include.Names {
				names[n] = true
				if fieldByName(f, n) == nil && fieldByDisplayName(f, n) == nil {
					t.Errorf("filterFieldsByName: no field %q in %v", n, fieldNames(f))
				}
			}
			out := data.NewFrame(f.Name)
			for _, fl := range f.Fields {
				if names[fl.Name] || names[displayName(fl)] || (re != nil && re.MatchString(displayName(fl))) {
					out.Fields = append(out.Fields, fl)
				}
			}
			f = out
		case "groupingToMatrix":
			var o map[string]string
			_ = json.Unmarshal(tr.Options, &o)
			for _, k := range []string{"columnField", "rowField", "valueField"} {
				if fieldByDisplayName(f, o[k]) == nil {
					t.Errorf("groupingToMatrix: %s %q is not the display name of a field of %v", k, o[k], displayNames(f))
				}
			}
		default:
			t.Errorf("transformation %s is not checked by this test", tr.ID)
		}
	}
	return f
}

func displayNames(f *data.Frame) []string {
	var out []string
	for _, fl := range f.Fields {
		out = append(out, displayName(fl))
	}
	return out
}

func fieldNames(f *data.Frame) []string {
	var out []string
	for _, fl := range f.Fields {
		out = append(out, fl.Name)
	}
	return out
}

// shape counts a frame's fields by kind.
func shape(f *data.Frame) (times, numbers, strs int) {
	for _, fl := range f.Fields {
		switch {
		case fl.Type().Time():
			times++
		case fl.Type().Numeric():
			numbers++
		case fl.Type() == data.FieldTypeString || fl.Type() == data.FieldTypeNullableString:
			strs++
		}
	}
	return
}

// checkShape fails unless the frame is what a panel of type typ draws.
func checkShape(t *testing.T, typ string, f *data.Frame) {
	t.Helper()
	times, numbers, strs := shape(f)
	if f.Rows() == 0 {
		t.Errorf("%s panel: empty frame (fields %v)", typ, fieldNames(f))
		return
	}
	ok := false
	switch typ {
	case "timeseries":
		ok = times == 1 && numbers >= 1 && f.TimeSeriesSchema().Type == data.TimeSeriesTypeWide
	case "stat":
		ok = numbers >= 1
	case "barchart", "piechart", "table":
		ok = strs >= 1 && numbers >= 1
	default:
		t.Errorf("panel type %s is not checked by this test", typ)
		return
	}
	if !ok {
		t.Errorf("%s panel: frame of %d rows with fields %v has the wrong shape", typ, f.Rows(), fieldNames(f))
	}
}

func TestPanelsAnswerOnDemoShop(t *testing.T) {
	dm := newDemo(t)
	for name, d := range loadDashboards(t) {
		t.Run(name, func(t *testing.T) {
			for vi, vals := range customVariants(d) {
				for _, p := range allPanels(d) {
					if p.Type == "row" {
						continue
					}
					// Variants only re-run the panels that use a changed variable.
					if vi > 0 && !usesChanged(p, vals, customVariants(d)[0]) {
						continue
					}
					for _, target := range p.Targets {
						q := interpolate(t, target, vals)
						if isSameDimensions(q) {
							continue // a matrix needs two different dimensions; the editor forbids this pair
						}
						frames, err := dm.run(t, q, dm.rng, dm.inter)
						if err != nil {
							t.Errorf("panel %d %q, query %s: %v", *p.ID, p.Title, q, err)
							continue
						}
						if len(frames) == 0 {
							t.Errorf("panel %d %q, query %s: no frame", *p.ID, p.Title, q)
							continue
						}
						failed := t.Failed()
						f := applyTransformations(t, frames[0], p.Transformations)
						if !failed && t.Failed() {
							t.Logf("panel %d %q, query %s: fields %v", *p.ID, p.Title, q, fieldNames(frames[0]))
						}
						checkShape(t, p.Type, f)
						checkStatFields(t, p, f)
					}
				}
			}
		})
	}
}

func usesChanged(p panel, vals, def map[string]string) bool {
	for _, target := range p.Targets {
		for _, m := range varRef.FindAllStringSubmatch(string(target), -1) {
			if vals[m[1]] != def[m[1]] {
				return true
			}
		}
	}
	return false
}

func isSameDimensions(q []byte) bool {
	var m struct{ View, Dimension, Dimension2 string }
	_ = json.Unmarshal(q, &m)
	return m.View == "matrix" && m.Dimension == m.Dimension2
}

func TestVariableQueriesAnswer(t *testing.T) {
	dm := newDemo(t)
	for name, d := range loadDashboards(t) {
		for _, v := range d.Templating.List {
			if v.Type != "query" {
				continue
			}
			var ds struct{ Type, UID string }
			if err := json.Unmarshal(v.Datasource, &ds); err != nil || ds.Type != pluginType || ds.UID != "${datasource}" {
				t.Errorf("%s variable %s: datasource %s", name, v.Name, v.Datasource)
			}
			frames, err := dm.run(t, v.Query, dm.rng, dm.inter)
			if err != nil || len(frames) == 0 {
				t.Errorf("%s variable %s: %v", name, v.Name, err)
				continue
			}
			f := frames[0]
			if fieldByName(f, "text") == nil || fieldByName(f, "value") == nil || f.Rows() == 0 {
				t.Errorf("%s variable %s: fields %v, %d rows; want text and value", name, v.Name, fieldNames(f), f.Rows())
				continue
			}
			// Options saved in the dashboard must be values the plugin answers.
			answered := map[string]bool{}
			values := fieldByName(f, "value")
			for i := 0; i < values.Len(); i++ {
				answered[fmt.Sprint(values.At(i))] = true
			}
			for _, o := range v.Options {
				if !answered[o.Value] {
					t.Errorf("%s variable %s: saved option %q is not among the plugin's values", name, v.Name, o.Value)
				}
			}
		}
	}
}

// checkStatFields fails when a stat panel's reduceOptions.fields (a regexp Grafana matches against
// display names) selects no field of its frame.
func checkStatFields(t *testing.T, p panel, f *data.Frame) {
	t.Helper()
	var o struct {
		ReduceOptions struct {
			Values bool   `json:"values"`
			Fields string `json:"fields"`
		} `json:"reduceOptions"`
	}
	if p.Type != "stat" || json.Unmarshal(p.Options, &o) != nil {
		return
	}
	if !o.ReduceOptions.Values {
		t.Errorf("stat panel %d %q: reduceOptions.values must be true (one value per row)", *p.ID, p.Title)
	}
	if o.ReduceOptions.Fields == "" {
		return
	}
	re := jsRegexp(t, o.ReduceOptions.Fields)
	for _, fl := range f.Fields {
		if re.MatchString(displayName(fl)) {
			return
		}
	}
	t.Errorf("stat panel %d %q: fields %q matches none of %v", *p.ID, p.Title, o.ReduceOptions.Fields, displayNames(f))
}
