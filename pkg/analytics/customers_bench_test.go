package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
)

// BenchmarkCustomers prints the latency of each customers view on the demo shop (ms/op).
func BenchmarkCustomers(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		q    analytics.CustomersQuery
		p    analytics.Period
	}{
		{"summary/7d", analytics.CustomersQuery{}, lastDays(7)},
		{"summary/30d", analytics.CustomersQuery{}, lastDays(30)},
		{"summary/365d", analytics.CustomersQuery{}, lastDays(365)},
		{"new_vs_existing/30d", analytics.CustomersQuery{View: "new_vs_existing"}, lastDays(30)},
		{"acquisition/30d-daily", analytics.CustomersQuery{View: "acquisition", Bucket: "day"}, lastDays(30)},
		{"acquisition/365d-weekly", analytics.CustomersQuery{View: "acquisition", Bucket: "week"}, lastDays(365)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := e.Customers(ctx, bc.q, bc.p, 24*time.Hour); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
		})
	}
}
