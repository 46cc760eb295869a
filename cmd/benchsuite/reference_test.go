package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

func TestCompare(t *testing.T) {
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	next := day.AddDate(0, 0, 1)
	plain := data.Frames{data.NewFrame("x",
		data.NewField("persona", nil, []string{"Champions", "Hibernating"}),
		data.NewField("customers", nil, []int64{3, 5}),
		data.NewField("share", nil, []*float64{ptr(0.375), nil}),
	)}
	scores := data.Frames{data.NewFrame("x",
		data.NewField("r", nil, []int64{1, 1, 2}),
		data.NewField("f", nil, []int64{1, 2, 1}),
		data.NewField("persona", nil, []string{"Hibernating", "Hibernating", "Hibernating"}),
		data.NewField("customers", nil, []int64{4, 0, 7}),
	)}
	// A series per account: the same names, told apart by their labels.
	a1, a2 := data.Labels{"account": "One", "account_id": "1"}, data.Labels{"account": "Two", "account_id": "2"}
	series := data.Frames{data.NewFrame("x",
		data.NewField("time", nil, []time.Time{day, next}),
		data.NewField("followers", a1, []int64{10, 11}),
		data.NewField("followers", a2, []int64{20, 22}),
	)}
	cases := []struct {
		name   string
		cols   []string
		keys   []string
		rows   [][]any
		frames data.Frames
		want   string // "" no difference, else a text the first difference holds
	}{
		{"match in any order, NULL with null", []string{"persona", "customers", "share"}, nil,
			[][]any{{"Hibernating", int64(5), nil}, {"Champions", int32(3), 0.375}}, plain, ""},
		{"a different count", []string{"persona", "customers"}, nil,
			[][]any{{"Hibernating", int64(5)}, {"Champions", int64(4)}}, plain, "row [Champions] customers: reference 4, plugin 3"},
		{"NULL against a number", []string{"persona", "share"}, nil,
			[][]any{{"Hibernating", 0.0}, {"Champions", 0.375}}, plain, "row [Hibernating] share: reference 0, plugin NULL"},
		{"a row the frame lacks", []string{"persona", "customers"}, nil,
			[][]any{{"Hibernating", int64(5)}, {"Loyal", int64(3)}}, plain, "row [Loyal]: not in the frame"},
		{"a column the frame lacks", []string{"persona", "buyers"}, nil,
			[][]any{{"Hibernating", int64(5)}}, plain, `the frame has no field "buyers"`},
		{"numeric keys", []string{"r", "f", "customers"}, []string{"r", "f"},
			[][]any{{int32(2), int32(1), int64(7)}, {int32(1), int32(2), int64(0)}, {int32(1), int32(1), int64(4)}}, scores, ""},
		{"numeric keys, a difference", []string{"r", "f", "customers"}, []string{"r", "f"},
			[][]any{{int32(2), int32(1), int64(7)}, {int32(1), int32(2), int64(1)}, {int32(1), int32(1), int64(4)}}, scores, "row [1 | 2] customers: reference 1, plugin 0"},
		{"series by label, long form", []string{"time", "account_id", "followers"}, nil,
			[][]any{{day, "1", int64(10)}, {day, "2", int64(20)}, {next, "1", int64(11)}, {next, "2", int64(22)}}, series, ""},
		{"series by label, a difference", []string{"time", "account_id", "followers"}, nil,
			[][]any{{day, "1", int64(10)}, {day, "2", int64(21)}, {next, "1", int64(11)}, {next, "2", int64(22)}}, series, "followers: reference 21, plugin 20"},
		{"series by label, a missing account", []string{"time", "account_id", "followers"}, nil,
			[][]any{{day, "1", int64(10)}, {next, "1", int64(11)}}, series, "2 reference rows, 4 frame rows"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			diffs := compare(c.cols, c.keys, c.rows, c.frames)
			switch {
			case c.want == "" && len(diffs) > 0:
				t.Errorf("differences %q, want none", diffs)
			case c.want != "" && (len(diffs) == 0 || !strings.Contains(strings.Join(diffs, "\n"), c.want)):
				t.Errorf("differences %q, want one with %q", diffs, c.want)
			}
		})
	}
}

func ptr(f float64) *float64 { return &f }

// The arguments a reference takes from the view's query model, as a dashboard variable would pass
// them; a view's model without them gives the plugin's defaults.
func TestModelArguments(t *testing.T) {
	from := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 30)
	arg := func(v view, name string) any {
		t.Helper()
		a, ok := argValue(name, from, to, v.model())
		if !ok {
			t.Fatalf("argument %q unknown", name)
		}
		return a
	}
	one := view{json: `{"view":"summary","accounts":["2"]}`}
	all := view{json: `{"view":"channels"}`}
	live := view{json: `{"view":"channels","contentKind":"live","group":"active","bucket":"week"}`}
	for _, c := range []struct {
		v    view
		name string
		want string
	}{
		{one, "accounts", "[2]"}, {all, "accounts", "[]"},
		{all, "content_kind", ""}, {live, "content_kind", "live"},
		{all, "group", "new"}, {live, "group", "active"},
		{all, "bucket", ""}, {live, "bucket", "week"},
		{all, "prev_from", "2026-09-02 00:00:00 +0000 UTC"},
	} {
		if got := fmt.Sprint(arg(c.v, c.name)); got != c.want {
			t.Errorf("%s of %s = %q, want %q", c.name, c.v.json, got, c.want)
		}
	}
	if _, ok := argValue("segment", from, to, model{}); ok {
		t.Error("an unknown argument was taken")
	}
}
