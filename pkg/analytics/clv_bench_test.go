package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
)

// BenchmarkCLVFit prints the time of a cold fit of both models on the demo shop (BENCH_CUSTOMERS):
// each run uses a new engine, so nothing is cached. The reported metrics split it into reading the
// histories from PostgreSQL and the optimisation, and give the number of distinct (x, t_x, T)
// triples one likelihood evaluation visits.
func BenchmarkCLVFit(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	p := lastDays(30)
	var read, total, triples, customers float64
	for i := 0; i < b.N; i++ {
		e := analytics.New(db, analytics.DefaultShop())
		fs, err := e.CLV(ctx, analytics.CLVQuery{View: "fit"}, p)
		e.Close()
		if err != nil {
			b.Fatal(err)
		}
		f := fs[0]
		get := func(name string) float64 {
			fl, _ := f.FieldByName(name)
			switch v := fl.At(0).(type) {
			case float64:
				return v
			case int64:
				return float64(v)
			}
			return 0
		}
		read += get("read_seconds")
		total += get("fit_seconds")
		triples = get("distinct_histories")
		customers = get("customers")
	}
	n := float64(b.N)
	b.ReportMetric(total/n, "fit-s")
	b.ReportMetric(read/n, "read-s")
	b.ReportMetric((total-read)/n, "optimise-s")
	b.ReportMetric(triples, "triples")
	b.ReportMetric(customers, "customers")
}

// BenchmarkCLVViews prints the latency of the clv views and of the views that now carry predicted
// CLV, with the fit already cached (as it is after the first panel of a dashboard).
func BenchmarkCLVViews(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	p := lastDays(30)
	if _, err := e.CLV(ctx, analytics.CLVQuery{View: "fit"}, p); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		run  func() error
	}{
		{"clv/customers", func() error { _, err := e.CLV(ctx, analytics.CLVQuery{}, p); return err }},
		{"clv/at_risk", func() error { _, err := e.CLV(ctx, analytics.CLVQuery{View: "at_risk"}, p); return err }},
		{"clv/total", func() error { _, err := e.CLV(ctx, analytics.CLVQuery{View: "total"}, p); return err }},
		{"clv/segments/persona", func() error {
			_, err := e.CLV(ctx, analytics.CLVQuery{View: "segments", Dimension: "persona"}, p)
			return err
		}},
		{"clv/holdout/365d", func() error { _, err := e.CLV(ctx, analytics.CLVQuery{View: "holdout"}, lastDays(365)); return err }},
		{"segments/breakdown/persona+predicted", func() error {
			_, err := e.Segments(ctx, analytics.SegmentsQuery{Dimension: "persona"}, p)
			return err
		}},
		{"customers/summary+predicted", func() error {
			_, err := e.Customers(ctx, analytics.CustomersQuery{}, p, 24*time.Hour)
			return err
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := bc.run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
		})
	}
}
