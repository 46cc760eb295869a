package dashboards

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

type alertQuery struct {
	RefID             string `json:"refId"`
	DatasourceUID     string `json:"datasourceUid"`
	RelativeTimeRange struct {
		From int64 `json:"from"`
		To   int64 `json:"to"`
	} `json:"relativeTimeRange"`
	Model json.RawMessage `json:"model"`
}

type alertRule struct {
	UID          string            `json:"uid"`
	Title        string            `json:"title"`
	Condition    string            `json:"condition"`
	Data         []alertQuery      `json:"data"`
	NoDataState  string            `json:"noDataState"`
	ExecErrState string            `json:"execErrState"`
	For          string            `json:"for"`
	Annotations  map[string]string `json:"annotations"`
	Labels       map[string]string `json:"labels"`
	IsPaused     bool              `json:"isPaused"`
}

type alertFile struct {
	APIVersion int `json:"apiVersion"`
	Groups     []struct {
		OrgID    int         `json:"orgId"`
		Name     string      `json:"name"`
		Folder   string      `json:"folder"`
		Interval string      `json:"interval"`
		Rules    []alertRule `json:"rules"`
	} `json:"groups"`
}

// loadAlertFile reads a provisioning file through readYAML (the module has no YAML library).
func loadAlertFile(t *testing.T, path string) alertFile {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := readYAML(string(raw))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	js, _ := json.Marshal(v)
	var f alertFile
	dec := json.NewDecoder(strings.NewReader(string(js)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return f
}

type yamlLine struct {
	indent int
	text   string
	no     int
}

// readYAML reads the block-style subset of YAML the provisioning files use: mappings, sequences
// ("- "), whole-line comments, and scalars (single- or double-quoted strings, numbers, booleans,
// null, plain strings, {} and []). Flow collections, anchors and multi-line strings are errors.
func readYAML(src string) (any, error) {
	var lines []yamlLine
	for i, l := range strings.Split(src, "\n") {
		trimmed := strings.TrimSpace(l)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if strings.Contains(l, "\t") {
			return nil, fmt.Errorf("line %d: tab", i+1)
		}
		lines = append(lines, yamlLine{indent: len(l) - len(strings.TrimLeft(l, " ")), text: strings.TrimRight(trimmed, " "), no: i + 1})
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("empty document")
	}
	v, next, err := yamlBlock(lines, 0, lines[0].indent)
	if err == nil && next != len(lines) {
		err = fmt.Errorf("line %d: unexpected indentation", lines[next].no)
	}
	return v, err
}

func yamlBlock(lines []yamlLine, i, indent int) (any, int, error) {
	if strings.HasPrefix(lines[i].text, "- ") || lines[i].text == "-" {
		var seq []any
		for i < len(lines) && lines[i].indent == indent && strings.HasPrefix(lines[i].text, "-") {
			item := strings.TrimSpace(strings.TrimPrefix(lines[i].text, "-"))
			if item == "" {
				return nil, i, fmt.Errorf("line %d: empty sequence item", lines[i].no)
			}
			if _, _, isKey := yamlKey(item); isKey {
				// "- key: value" starts a mapping indented past the dash.
				lines[i] = yamlLine{indent: indent + 2, text: item, no: lines[i].no}
				v, next, err := yamlBlock(lines, i, indent+2)
				if err != nil {
					return nil, next, err
				}
				seq = append(seq, v)
				i = next
				continue
			}
			v, err := yamlScalar(item, lines[i].no)
			if err != nil {
				return nil, i, err
			}
			seq = append(seq, v)
			i++
		}
		return seq, i, nil
	}
	m := map[string]any{}
	for i < len(lines) && lines[i].indent == indent {
		key, rest, ok := yamlKey(lines[i].text)
		if !ok {
			return nil, i, fmt.Errorf("line %d: want key: value, got %q", lines[i].no, lines[i].text)
		}
		if _, dup := m[key]; dup {
			return nil, i, fmt.Errorf("line %d: duplicate key %q", lines[i].no, key)
		}
		if rest != "" {
			v, err := yamlScalar(rest, lines[i].no)
			if err != nil {
				return nil, i, err
			}
			m[key] = v
			i++
			continue
		}
		i++
		if i == len(lines) || lines[i].indent < indent || (lines[i].indent == indent && !strings.HasPrefix(lines[i].text, "-")) {
			m[key] = nil
			continue
		}
		v, next, err := yamlBlock(lines, i, lines[i].indent)
		if err != nil {
			return nil, next, err
		}
		m[key] = v
		i = next
	}
	if i < len(lines) && lines[i].indent > indent {
		return nil, i, fmt.Errorf("line %d: unexpected indentation", lines[i].no)
	}
	return m, i, nil
}

// yamlKey splits "key: rest" (or "key:"); a quoted or flow first character is not a key.
func yamlKey(s string) (key, rest string, ok bool) {
	if s == "" || strings.ContainsRune("'\"{[", rune(s[0])) {
		return "", "", false
	}
	if k, r, found := strings.Cut(s, ": "); found {
		return k, strings.TrimSpace(r), true
	}
	if strings.HasSuffix(s, ":") {
		return strings.TrimSuffix(s, ":"), "", true
	}
	return "", "", false
}

func yamlScalar(s string, no int) (any, error) {
	switch {
	case strings.HasPrefix(s, "'"):
		if len(s) < 2 || !strings.HasSuffix(s, "'") {
			return nil, fmt.Errorf("line %d: unterminated string %s", no, s)
		}
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'"), nil
	case strings.HasPrefix(s, `"`):
		v, err := strconv.Unquote(s)
		if err != nil {
			return nil, fmt.Errorf("line %d: string %s: %v", no, s, err)
		}
		return v, nil
	case s == "{}":
		return map[string]any{}, nil
	case s == "[]":
		return []any{}, nil
	case strings.ContainsAny(s[:1], "{[&*|>!%@`"):
		return nil, fmt.Errorf("line %d: %q is outside the YAML subset this test reads", no, s)
	case s == "true" || s == "false":
		return s == "true", nil
	case s == "null" || s == "~":
		return nil, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f, nil
	}
	return s, nil
}

var exprRef = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)

func TestRepeatRateAlertRule(t *testing.T) {
	f := loadAlertFile(t, filepath.Join(provisioning, "alerting", "repeat-rate.yaml"))
	if f.APIVersion != 1 || len(f.Groups) != 1 || len(f.Groups[0].Rules) != 1 {
		t.Fatalf("want apiVersion 1 with one group of one rule: %+v", f)
	}
	g := f.Groups[0]
	if g.OrgID != 1 || g.Name == "" || g.Folder == "" {
		t.Errorf("group: orgId %d, name %q, folder %q", g.OrgID, g.Name, g.Folder)
	}
	if _, err := time.ParseDuration(g.Interval); err != nil {
		t.Errorf("group interval %q: %v", g.Interval, err)
	}
	r := g.Rules[0]
	if r.UID == "" || r.Title == "" || r.NoDataState == "" || r.ExecErrState == "" {
		t.Errorf("rule: uid %q, title %q, noDataState %q, execErrState %q", r.UID, r.Title, r.NoDataState, r.ExecErrState)
	}

	// The annotations link to a panel that exists.
	dashboards := loadDashboards(t)
	var linked bool
	for _, d := range dashboards {
		if d.UID != r.Annotations["__dashboardUid__"] {
			continue
		}
		for _, p := range allPanels(d) {
			if p.ID != nil && strconv.Itoa(*p.ID) == r.Annotations["__panelId__"] {
				linked = true
			}
		}
	}
	if !linked {
		t.Errorf("annotations link to dashboard %q panel %q, which does not exist", r.Annotations["__dashboardUid__"], r.Annotations["__panelId__"])
	}

	// Every expression refers to earlier refIds; the condition is one of them.
	seen := map[string]bool{}
	for _, q := range r.Data {
		if seen[q.RefID] || q.RefID == "" {
			t.Errorf("refId %q empty or repeated", q.RefID)
		}
		if q.DatasourceUID == "__expr__" {
			var m struct{ Type, Expression string }
			if err := json.Unmarshal(q.Model, &m); err != nil {
				t.Fatal(err)
			}
			refs := []string{m.Expression}
			if m.Type == "math" {
				refs = nil
				for _, x := range exprRef.FindAllStringSubmatch(m.Expression, -1) {
					refs = append(refs, x[1])
				}
			}
			for _, ref := range refs {
				if !seen[ref] {
					t.Errorf("expression %s refers to %q, not an earlier refId", q.RefID, ref)
				}
			}
		}
		seen[q.RefID] = true
	}
	if !seen[r.Condition] {
		t.Errorf("condition %q is not a refId", r.Condition)
	}

	// Each data query answers, on the demo shop, a wide time series with one value field and one
	// point (its 7-day window as a single bucket): what a Reduce expression and alerting accept.
	dm := newDemo(t)
	// At the demo's end (a midnight) and at an evaluation time in the middle of a day.
	for _, now := range []time.Time{pgtest.DemoEnd, pgtest.DemoEnd.Add(-(5*time.Hour + 30*time.Minute))} {
		checkRuleQueries(t, dm, r, now)
	}
}

func checkRuleQueries(t *testing.T, dm demo, r alertRule, now time.Time) {
	t.Helper()
	values := map[string]float64{}
	for _, q := range r.Data {
		if q.DatasourceUID == "__expr__" {
			continue
		}
		if q.DatasourceUID != "customer-analytics-demo" {
			t.Errorf("data query %s: datasource %q, want the provisioned customer-analytics-demo", q.RefID, q.DatasourceUID)
		}
		var m struct {
			IntervalMs int64 `json:"intervalMs"`
		}
		_ = json.Unmarshal(q.Model, &m)
		rng := backend.TimeRange{From: now.Add(-time.Duration(q.RelativeTimeRange.From) * time.Second), To: now.Add(-time.Duration(q.RelativeTimeRange.To) * time.Second)}
		frames, err := dm.run(t, q.Model, rng, time.Duration(m.IntervalMs)*time.Millisecond)
		if err != nil || len(frames) != 1 {
			t.Fatalf("data query %s: %v (%d frames)", q.RefID, err, len(frames))
		}
		fr := frames[0]
		schema := fr.TimeSeriesSchema()
		if schema.Type != data.TimeSeriesTypeWide || len(schema.ValueIndices) != 1 || fr.Rows() != 1 {
			t.Fatalf("data query %s: want a wide time series with one value field and one row, got %v with fields %v and %d rows", q.RefID, schema.Type, fieldNames(fr), fr.Rows())
		}
		v, err := fr.FloatAt(schema.ValueIndices[0], 0)
		if err != nil {
			t.Fatal(err)
		}
		values[q.RefID] = v
	}

	// The rule's figure is the buyers summary's repeat share of the same window.
	resp, err := dm.run(t, []byte(`{"queryType":"buyers","view":"summary","comparison":"none"}`),
		backend.TimeRange{From: now.AddDate(0, 0, -7), To: now}, 0)
	if err != nil {
		t.Fatal(err)
	}
	share, _ := resp[0].FieldByName("buyer_share")
	if p := share.At(1).(*float64); p == nil || math.Abs(*p-values["A"]) > 1e-12 {
		t.Errorf("rule window: repeat rate %v; buyers summary says %v", values["A"], p)
	}
	cur, prev := values["A"], values["B"]
	change := (cur - prev) / prev
	if math.IsNaN(change) || math.IsInf(change, 0) || cur <= 0 || cur >= 1 {
		t.Errorf("repeat rate %v, previous %v, change %v: the demo shop should give finite figures", cur, prev, change)
	}
	t.Logf("demo shop at %s: repeat rate %.3f, previous %.3f, change %+.1f %%", now.Format(time.RFC3339), cur, prev, 100*change)
}

func TestReadYAML(t *testing.T) {
	got, err := readYAML(`# comment
a: 1
b: 'it''s'
c: "x\ty"
d:
  - e: -0.2
    f:
      - true
      - plain text
  - g: {}
h:
- 1.5
i: []
`)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(got)
	want := `{"a":1,"b":"it's","c":"x\ty","d":[{"e":-0.2,"f":[true,"plain text"]},{"g":{}}],"h":[1.5],"i":[]}`
	if string(js) != want {
		t.Errorf("readYAML: %s\nwant %s", js, want)
	}
	for _, bad := range []string{"a: [1, 2]\n", "a: 1\n  b: 2\n", "a: 1\na: 2\n", "a: 'open\n"} {
		if _, err := readYAML(bad); err == nil {
			t.Errorf("readYAML(%q): no error", bad)
		}
	}
}
