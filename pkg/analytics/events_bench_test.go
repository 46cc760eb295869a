package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
)

// BenchmarkCustomerEvents prints the latency of each customer events view on the demo shop (ms/op).
func BenchmarkCustomerEvents(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		q    analytics.EventsQuery
		p    analytics.Period
	}{
		{"summary/30d", analytics.EventsQuery{}, lastDays(30)},
		{"summary/365d", analytics.EventsQuery{}, lastDays(365)},
		{"trend/30d-daily", analytics.EventsQuery{View: "trend", Bucket: "day"}, lastDays(30)},
		{"trend/365d-weekly", analytics.EventsQuery{View: "trend", Bucket: "week"}, lastDays(365)},
		{"new_returning_lapsed/30d", analytics.EventsQuery{View: "new_returning_lapsed"}, lastDays(30)},
		{"orders/gained-by-product/30d", analytics.EventsQuery{View: "orders", Event: "customers_gained"}, lastDays(30)},
		{"orders/second-by-attribute/30d", analytics.EventsQuery{View: "orders", Event: "second_orders", GroupBy: "product_attribute", AttributeKey: "color"}, lastDays(30)},
		{"orders/won-back-by-source/90d", analytics.EventsQuery{View: "orders", Event: "won_back", GroupBy: "source_medium"}, lastDays(90)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := e.CustomerEvents(ctx, bc.q, bc.p, 24*time.Hour); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
		})
	}
}
