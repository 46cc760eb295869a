package main

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// TestMeasureInTurn pins the order of the timed runs (one of each thing per round, so the ratios
// compare runs made under the same load), the budgets and the errors.
func TestMeasureInTurn(t *testing.T) {
	ctx := context.Background()
	var order []string
	thing := func(name string, sleep time.Duration, failAt int) timed {
		n := 0
		return timed{budget: 5 * time.Millisecond, fn: func() error {
			n++
			order = append(order, name)
			if n == failAt {
				return errors.New(name + " broke")
			}
			time.Sleep(sleep)
			return nil
		}}
	}

	order = nil
	ts := measureInTurn(ctx, 3, []timed{thing("p", 0, 0), thing("r", 0, 0), thing("f", 0, 0)})
	if got := strings.Join(order, ""); got != "prfprfprfprf" {
		t.Errorf("order %q, want warm-ups then rounds of one run each (prfprfprfprf)", got)
	}
	for i, tm := range ts {
		if tm.err != nil || len(tm.runs) != 3 {
			t.Errorf("thing %d: %d runs, err %v; want 3 runs", i, len(tm.runs), tm.err)
		}
	}

	// A thing whose budget is spent leaves the rounds after its first timed run; the others go on.
	order = nil
	ts = measureInTurn(ctx, 3, []timed{thing("p", 0, 0), thing("r", 10*time.Millisecond, 0)})
	if got := strings.Join(order, ""); got != "prprpp" {
		t.Errorf("order %q, want prprpp", got)
	}
	if len(ts[0].runs) != 3 || len(ts[1].runs) != 1 {
		t.Errorf("runs %d and %d, want 3 and 1", len(ts[0].runs), len(ts[1].runs))
	}

	// The first thing failing its warm-up stops the others; another failing keeps its error alone.
	order = nil
	ts = measureInTurn(ctx, 3, []timed{thing("p", 0, 1), thing("r", 0, 0)})
	if got := strings.Join(order, ""); got != "p" || ts[0].err == nil || ts[1].err == nil {
		t.Errorf("order %q, errors %v and %v; want p alone and both failed", got, ts[0].err, ts[1].err)
	}
	order = nil
	ts = measureInTurn(ctx, 3, []timed{thing("p", 0, 0), thing("r", 0, 3)})
	if got := strings.Join(order, ""); got != "prprprp" || ts[0].err != nil || len(ts[0].runs) != 3 || ts[1].err == nil || len(ts[1].runs) != 1 {
		t.Errorf("order %q, plugin %d runs err %v, reference %d runs err %v; want prprprp, 3 and the reference's error after 1", got, len(ts[0].runs), ts[0].err, len(ts[1].runs), ts[1].err)
	}
}

// TestFrameDifference pins what the A/B mode calls the same answer: equal names, fields and
// values, floats within 1e-9 relative, integers and text exactly.
func TestFrameDifference(t *testing.T) {
	resp := func(f *data.Frame) *backend.QueryDataResponse {
		return &backend.QueryDataResponse{Responses: backend.Responses{"A": {Frames: data.Frames{f}}}}
	}
	frame := func(n int64, x float64, s string) *data.Frame {
		return data.NewFrame("f", data.NewField("n", nil, []int64{n}), data.NewField("x", nil, []*float64{&x}), data.NewField("s", nil, []string{s}))
	}
	a := frame(3, 2007.805959347929, "live")
	if d := frameDifference(resp(a), resp(frame(3, 2007.8059593481476, "live"))); d != "" {
		t.Errorf("a float 1e-13 apart: %s, want the same", d)
	}
	for name, b := range map[string]*data.Frame{
		"an integer":          frame(4, 2007.805959347929, "live"),
		"a float 1e-6 apart":  frame(3, 2007.808, "live"),
		"a text":              frame(3, 2007.805959347929, "email"),
		"a field's name":      data.NewFrame("f", data.NewField("m", nil, []int64{3}), a.Fields[1], a.Fields[2]),
		"the number of rows":  data.NewFrame("f", data.NewField("n", nil, []int64{3, 3}), a.Fields[1], a.Fields[2]),
		"the frame's name":    data.NewFrame("g", a.Fields...),
		"the number of field": data.NewFrame("f", a.Fields[0]),
	} {
		if d := frameDifference(resp(a), resp(b)); d == "" {
			t.Errorf("%s differs, but frameDifference saw no difference", name)
		}
	}
	// A timing (a field in seconds) is not an answer: it differs from run to run.
	timing := func(sec float64) *data.Frame {
		f := data.NewField("fit_seconds", nil, []float64{sec}).SetConfig(&data.FieldConfig{Unit: "s"})
		return data.NewFrame("f", a.Fields[0], f)
	}
	if d := frameDifference(resp(timing(4.56)), resp(timing(4.88))); d != "" {
		t.Errorf("two timings: %s, want the same", d)
	}
	var null *float64
	nulls := data.NewFrame("f", data.NewField("n", nil, []int64{3}), data.NewField("x", nil, []*float64{null}), a.Fields[2])
	if d := frameDifference(resp(a), resp(nulls)); d == "" {
		t.Error("a value against a null: no difference seen")
	}
}
