package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5"
)

// runAB times every selected view through the plugin on two databases holding the same shop
// (-dsn is A, -ab is B), in turn, one run of each per round: for a change to the shop's physical
// layout or its indexes, which two suite runs of the same machine could not tell apart from the
// machine's own drift. The two must answer the same frames; a view whose answers differ counts as
// an error.
func runAB(ctx context.Context, o options, dsnB string) error {
	settings := map[string]any{"cacheTTLSeconds": 0, "statementTimeoutSeconds": o.timeout}
	a, err := newDatasource(ctx, o.dsn, settings)
	if err != nil {
		return fmt.Errorf("A: %w", err)
	}
	defer a.Dispose()
	b, err := newDatasource(ctx, dsnB, settings)
	if err != nil {
		return fmt.Errorf("B: %w", err)
	}
	defer b.Dispose()
	fmt.Printf("\n== A/B: the plugin on A (%s) and on B (%s), %d timed runs each after 1 warm-up, in turn (timing budget %s per view); cache off; %s\n",
		dbName(o.dsn), dbName(dsnB), o.runs, o.budget, time.Now().Format("2006-01-02 15:04"))
	header := fmt.Sprintf("%-16s %-44s %4s %9s %9s %7s  %s", "query type", "view", "n", "A p50 ms", "B p50 ms", "B/A", "frames")
	fmt.Println(header)
	fmt.Println(strings.Repeat("-", len(header)+4))
	var ratios []float64
	faster, slower, failures := 0, 0, 0
	var sumA, sumB time.Duration
	for _, v := range views {
		if o.only != nil && !o.only.MatchString(v.qt+" "+v.name) {
			continue
		}
		tr := o.rangeOf(v.days)
		q := backend.DataQuery{RefID: "A", QueryType: v.qt, JSON: []byte(v.json), TimeRange: tr, Interval: interval(v.days), MaxDataPoints: 1000}
		var lastA, lastB *backend.QueryDataResponse
		ts := measureInTurn(ctx, o.runs, []timed{
			{budget: o.budget / 2, fn: func() (err error) { lastA, err = queryOnce(ctx, a, []backend.DataQuery{q}); return err }},
			{budget: o.budget / 2, fn: func() (err error) { lastB, err = queryOnce(ctx, b, []backend.DataQuery{q}); return err }},
		})
		if ts[0].err != nil || ts[1].err != nil {
			failures++
			fmt.Printf("%-16s %-44s ERROR A: %v; B: %v\n", v.qt, v.name, ts[0].err, ts[1].err)
			continue
		}
		check := "same"
		if diff := frameDifference(lastA, lastB); diff != "" {
			check = "DIFFER " + diff
			failures++
		}
		pa, pb := ts[0].p(0.5), ts[1].p(0.5)
		sumA += pa
		sumB += pb
		r := float64(pb) / float64(pa)
		ratios = append(ratios, r)
		// Within 5% either way is the noise of three runs on a shared machine.
		switch {
		case r < 0.95:
			faster++
		case r > 1.05:
			slower++
		}
		fmt.Printf("%-16s %-44s %4d %9s %9s %7.2f  %s\n", v.qt, v.name, len(ts[0].runs), ms(pa), ms(pb), r, check)
	}
	if len(ratios) > 0 {
		sort.Float64s(ratios)
		fmt.Printf("\n%d views: B/A median %.2f (min %.2f, max %.2f); B faster by over 5%% on %d, slower by over 5%% on %d; sum of p50s A %s ms, B %s ms\n",
			len(ratios), ratios[len(ratios)/2], ratios[0], ratios[len(ratios)-1], faster, slower, ms(sumA), ms(sumB))
	}
	if failures > 0 {
		return fmt.Errorf("%d view(s) failed or answered differently on A and B", failures)
	}
	return nil
}

// frameDifference names the first difference between two responses' frames (names, fields,
// values, in order), or is empty when they are the same (floats within 1e-9 relative; timings,
// fields in seconds, left out).
func frameDifference(a, b *backend.QueryDataResponse) string {
	fa, fb := a.Responses["A"].Frames, b.Responses["A"].Frames
	if len(fa) != len(fb) {
		return fmt.Sprintf("%d frames on A, %d on B", len(fa), len(fb))
	}
	for i := range fa {
		x, y := fa[i], fb[i]
		if x.Name != y.Name || len(x.Fields) != len(y.Fields) {
			return fmt.Sprintf("frame %d: %q with %d fields on A, %q with %d on B", i, x.Name, len(x.Fields), y.Name, len(y.Fields))
		}
		for j, f := range x.Fields {
			g := y.Fields[j]
			if f.Name != g.Name || f.Labels.String() != g.Labels.String() || f.Len() != g.Len() {
				return fmt.Sprintf("frame %q field %d: %s%s (%d rows) on A, %s%s (%d rows) on B", x.Name, j, f.Name, f.Labels, f.Len(), g.Name, g.Labels, g.Len())
			}
			// A field in seconds is how long the run took (the CLV fit's fit_seconds), not a figure.
			if f.Config != nil && f.Config.Unit == "s" {
				continue
			}
			// Floats within 1e-9 relative, as against the references: the predicted CLV fits sum
			// over the customers in the order their rows come, which a layout changes in the 13th
			// digit.
			float := f.Type() == data.FieldTypeFloat64 || f.Type() == data.FieldTypeNullableFloat64
			for r := 0; r < f.Len(); r++ {
				if float {
					x, xok := number(f.At(r))
					y, yok := number(g.At(r))
					if xok == yok && (!xok || close(x, y)) {
						continue
					}
				}
				va, _ := json.Marshal(f.At(r))
				vb, _ := json.Marshal(g.At(r))
				if !bytes.Equal(va, vb) {
					return fmt.Sprintf("frame %q field %s%s row %d: %s on A, %s on B", x.Name, f.Name, f.Labels, r, va, vb)
				}
			}
		}
	}
	return ""
}

// dbName is the database a DSN names, for the header.
func dbName(dsn string) string {
	if cfg, err := pgx.ParseConfig(dsn); err == nil {
		return cfg.Database
	}
	return dsn
}
