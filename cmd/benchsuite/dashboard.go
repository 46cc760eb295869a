package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// panelRequest is the queries one panel sends (Grafana sends one request per panel).
type panelRequest struct {
	title   string
	queries []backend.DataQuery
}

// dashboardPanels reads a provisioned dashboard's panels and their targets, with the dashboard's
// template variables set to their defaults (as Grafana's applyTemplateVariables in src/datasource.ts
// would interpolate them: an "All" multi-value in accounts or stores becomes the empty list, which
// the plugin reads as all), over its default range ending at end ("now-30d" → the 30 days before end).
func dashboardPanels(path string, end time.Time) ([]panelRequest, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var dash struct {
		Time       struct{ From string }
		Templating struct {
			List []struct {
				Name    string
				Current struct{ Value any }
			}
		}
		Panels []json.RawMessage
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	days := 30
	if m := regexp.MustCompile(`^now-(\d+)d$`).FindStringSubmatch(dash.Time.From); m != nil {
		days, _ = strconv.Atoi(m[1])
	}
	tr := backend.TimeRange{From: end.AddDate(0, 0, -days), To: end}
	vars := map[string]any{}
	for _, v := range dash.Templating.List {
		vars[v.Name] = v.Current.Value
	}
	var out []panelRequest
	var walk func(panels []json.RawMessage) error
	walk = func(panels []json.RawMessage) error {
		for _, rp := range panels {
			var p struct {
				Title   string
				Panels  []json.RawMessage
				Targets []map[string]any
			}
			if err := json.Unmarshal(rp, &p); err != nil {
				return err
			}
			if err := walk(p.Panels); err != nil {
				return err
			}
			pr := panelRequest{title: p.Title}
			for _, t := range p.Targets {
				if hide, _ := t["hide"].(bool); hide {
					continue
				}
				qt, _ := t["queryType"].(string)
				ref, _ := t["refId"].(string)
				js, err := json.Marshal(interpolate(t, vars))
				if err != nil {
					return err
				}
				pr.queries = append(pr.queries, backend.DataQuery{RefID: ref, QueryType: qt, JSON: js, TimeRange: tr, Interval: interval(days), MaxDataPoints: 1000})
			}
			if len(pr.queries) > 0 {
				out = append(out, pr)
			}
		}
		return nil
	}
	return out, walk(dash.Panels)
}

var varRef = regexp.MustCompile(`\$\{?([A-Za-z0-9_]+)(?::[a-z]+)?\}?`)

// interpolate replaces $var and ${var} in every string of a target with the variable's default.
func interpolate(v any, vars map[string]any) any {
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, x := range t {
			if k == "datasource" {
				out[k] = x
				continue
			}
			out[k] = interpolate(x, vars)
		}
		return out
	case []any:
		out := []any{}
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				out = append(out, interpolate(x, vars))
				continue
			}
			// A multi-value variable in a list: one element per value, "All" → nothing.
			for _, e := range expand(s, vars) {
				if e != "" && e != "$__all" {
					out = append(out, e)
				}
			}
		}
		return out
	case string:
		return strings.Join(expand(t, vars), ",")
	}
	return v
}

func expand(s string, vars map[string]any) []string {
	m := varRef.FindStringSubmatchIndex(s)
	if m == nil {
		return []string{s}
	}
	name := s[m[2]:m[3]]
	val, ok := vars[name]
	if !ok {
		return []string{s}
	}
	var vals []string
	switch x := val.(type) {
	case string:
		vals = []string{x}
	case []any:
		for _, e := range x {
			vals = append(vals, fmt.Sprint(e))
		}
	}
	out := []string{}
	for _, v := range vals {
		out = append(out, s[:m[0]]+v+s[m[1]:])
	}
	return out
}

// dashboardRequest puts every panel's queries into one request, with distinct refIds.
func dashboardRequest(panels []panelRequest) []backend.DataQuery {
	var qs []backend.DataQuery
	for i, p := range panels {
		for _, q := range p.queries {
			q.RefID = fmt.Sprintf("P%02d-%s", i+1, q.RefID)
			qs = append(qs, q)
		}
	}
	return qs
}

// dashboardBench times the whole dashboard in one QueryData request, cache off (TTL 0: nothing is
// kept between runs, as after the cache expired; identical panels of the request still share one
// computation) and with the default cache on a fresh instance (a first visit).
func dashboardBench(ctx context.Context, o options, d interface {
	QueryData(context.Context, *backend.QueryDataRequest) (*backend.QueryDataResponse, error)
}) error {
	panels, err := dashboardPanels(o.dashboard, o.end)
	if err != nil {
		return err
	}
	qs := dashboardRequest(panels)
	distinct := map[string]bool{}
	for _, q := range qs {
		distinct[q.QueryType+"\x00"+canonical(q.JSON)] = true
	}
	fmt.Printf("== Dashboard %s: %d panels, %d queries (%d distinct) in ONE QueryData request, last 30 days, variables at their defaults\n", o.dashboard, len(panels), len(qs), len(distinct))
	t := measure(ctx, o.runs, o.budget*2, func() error {
		_, err := queryOnceErr(ctx, d, qs)
		return err
	})
	if t.err != nil {
		return t.err
	}
	// The 3 s target is the Buyers dashboard's (issue 7); the others are measured, not judged.
	target := "(no target for this dashboard)"
	if filepath.Base(o.dashboard) == "buyers.json" {
		target = "target <= 3 s: ok"
		if t.p(0.5) > dashboardTarget {
			target = "target <= 3 s: OVER"
		}
	}
	fmt.Printf("   cache off:                 n=%d p50 %s ms, p95 %s ms   %s\n", len(t.runs), ms(t.p(0.5)), ms(t.p(0.95)), target)
	// A fresh instance with the default result cache per run: a first visit, where identical panels
	// are computed once.
	var runs []time.Duration
	for i := 0; i <= o.runs && ctx.Err() == nil; i++ {
		fresh, err := newDatasource(ctx, o.dsn, map[string]any{"statementTimeoutSeconds": o.timeout})
		if err != nil {
			return err
		}
		s := time.Now()
		_, err = queryOnceErr(ctx, fresh, qs)
		el := time.Since(s)
		fresh.Dispose()
		if err != nil {
			return err
		}
		if i > 0 { // the first is the warm-up
			runs = append(runs, el)
		}
	}
	fmt.Printf("   cache on (fresh instance): n=%d p50 %s ms, p95 %s ms   (first visit: identical panels computed once)\n", len(runs), ms(percentile(runs, 0.5)), ms(percentile(runs, 0.95)))
	return nil
}

func canonical(js []byte) string {
	var m map[string]any
	if json.Unmarshal(js, &m) != nil {
		return string(js)
	}
	delete(m, "refId")
	delete(m, "datasource")
	b, _ := json.Marshal(m)
	return string(b)
}

func queryOnceErr(ctx context.Context, d interface {
	QueryData(context.Context, *backend.QueryDataRequest) (*backend.QueryDataResponse, error)
}, qs []backend.DataQuery) (*backend.QueryDataResponse, error) {
	resp, err := d.QueryData(ctx, &backend.QueryDataRequest{Queries: qs})
	if err != nil {
		return nil, err
	}
	for ref, r := range resp.Responses {
		if r.Error != nil {
			return resp, fmt.Errorf("%s: %w", ref, r.Error)
		}
	}
	return resp, nil
}
