package plugin

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

func TestJSONKeys(t *testing.T) {
	type inner struct {
		Deep string `json:"deep"`
	}
	type model struct {
		inner
		View    string `json:"view,omitempty"`
		TopN    int    `json:"topN"`
		Plain   string
		Skipped string `json:"-"`
		hidden  string // unexported: not an option
	}
	got := jsonKeys(reflect.TypeOf(model{}))
	want := map[string]string{"deep": "deep", "view": "view", "topn": "topN", "plain": "Plain"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("jsonKeys = %v, want %v", got, want)
	}
	_ = model{}.hidden
}

func TestUnknownKeys(t *testing.T) {
	known := map[string]string{"view": "view", "topn": "topN", "metric": "metric"}
	for _, c := range []struct {
		json string
		want []string
	}{
		{`{"view":"trend","topN":5}`, nil},
		{`{"VIEW":"trend","TopN":5}`, nil}, // encoding/json reads these: not unknown
		{`{"refId":"A","queryType":"buyers","datasource":{"uid":"x"},"datasourceId":1,"hide":false,"key":"Q-1","intervalMs":1000,"maxDataPoints":500,"timeRange":{},"resultAssertions":{}}`, nil},
		{`{"metirc":"repeat_rate","view":"trend","veiw":"x"}`, []string{"metirc", "veiw"}},
		{`{"view":`, nil}, // malformed: the handler reports it
		{`[1,2]`, nil},
		{`null`, nil},
	} {
		if got := unknownKeys([]byte(c.json), known); !reflect.DeepEqual(got, c.want) {
			t.Errorf("unknownKeys(%s) = %q, want %q", c.json, got, c.want)
		}
	}
}

func TestEveryQueryTypeHasOptions(t *testing.T) {
	d := &Datasource{}
	for name, qt := range d.queryTypes() {
		first := "view"
		if name == "variables" {
			first = "list"
		}
		if qt.keys[first] == "" {
			t.Errorf("%s: options %v lack %q", name, qt.keys, first)
		}
	}
}

func TestUnknownOptionsNotice(t *testing.T) {
	known := map[string]string{"view": "view", "topn": "topN"}
	one := unknownOptionsNotice("buyers", []string{"veiw"}, known)
	if one.Severity != data.NoticeSeverityWarning || one.Text != `buyers queries have no option "veiw", so it was ignored: correct its spelling or remove it (its options: topN, view)` {
		t.Errorf("one: %v %q", one.Severity, one.Text)
	}
	two := unknownOptionsNotice("clv", []string{"a", "b"}, known)
	if !strings.HasPrefix(two.Text, `clv queries have no options "a", "b", so they were ignored`) {
		t.Errorf("two: %q", two.Text)
	}

	// The cached frames are shared between queries: the notice goes on a copy of the metadata.
	cached := data.NewFrame("x")
	cached.Meta = &data.FrameMeta{Notices: []data.Notice{{Text: "info"}}}
	cp := *cached
	out := withNotice(data.Frames{&cp}, "A", one)
	if len(out[0].Meta.Notices) != 2 || len(cached.Meta.Notices) != 1 {
		t.Errorf("notices: copy %v, cached %v", out[0].Meta.Notices, cached.Meta.Notices)
	}
	// No frame: an empty one of the query carries the notice.
	if out := withNotice(nil, "B", one); len(out) != 1 || out[0].RefID != "B" || len(out[0].Meta.Notices) != 1 {
		t.Errorf("no frame: %v", out)
	}
}

// TestEditorOptionsAreKnown: every option the query editor writes for a view (src/types.ts,
// QUERY_TYPES: each type's `value` at four spaces, its views' `options` lists) is an option of
// that query type here, so no query the editor builds answers the unknown-option warning.
func TestEditorOptionsAreKnown(t *testing.T) {
	src, err := os.ReadFile("../../src/types.ts")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	start := strings.Index(text, "export const QUERY_TYPES")
	if start < 0 {
		t.Fatal("src/types.ts has no QUERY_TYPES")
	}
	typeRE := regexp.MustCompile(`^    value: '([a-z_]+)',$`)
	optionsRE := regexp.MustCompile(`^\s+options: \[(.*)\],$`)
	types := (&Datasource{}).queryTypes()
	seen := map[string]int{}
	current := ""
	for _, line := range strings.Split(text[start:], "\n") {
		if m := typeRE.FindStringSubmatch(line); m != nil {
			current = m[1]
			if _, ok := types[current]; !ok {
				break // past QUERY_TYPES (the variable lists follow)
			}
			seen[current] = 0
			continue
		}
		m := optionsRE.FindStringSubmatch(line)
		if m == nil || current == "" {
			continue
		}
		seen[current]++
		for _, o := range strings.Split(m[1], ",") {
			o = strings.Trim(strings.TrimSpace(o), "'")
			if o == "" {
				continue
			}
			if _, ok := types[current].keys[strings.ToLower(o)]; !ok {
				t.Errorf("%s: the editor writes option %q, which the backend does not read", current, o)
			}
		}
	}
	for name := range types {
		if name != "variables" && seen[name] == 0 {
			t.Errorf("%s: no views with options found in src/types.ts", name)
		}
	}
}
