package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
)

// BenchmarkAudienceGrowth prints the latency of each audience_growth view on the demo shop (ms/op).
func BenchmarkAudienceGrowth(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		q    analytics.AudienceQuery
		p    analytics.Period
	}{
		{"states/30d-daily", analytics.AudienceQuery{Bucket: "day"}, lastDays(30)},
		{"states/365d-daily", analytics.AudienceQuery{Bucket: "day"}, lastDays(365)},
		{"states/365d-weekly", analytics.AudienceQuery{Bucket: "week"}, lastDays(365)},
		{"states/3y-monthly", analytics.AudienceQuery{Bucket: "month"}, lastDays(3 * 365)},
		{"active_history", analytics.AudienceQuery{View: "active_history"}, lastDays(30)},
		{"overview/audience_state", analytics.AudienceQuery{View: "overview"}, lastDays(30)},
		{"overview/country", analytics.AudienceQuery{View: "overview", Dimension: "country"}, lastDays(30)},
		{"popular_products/active/30d", analytics.AudienceQuery{View: "popular_products", Segment: "active"}, lastDays(30)},
		{"popular_products/persona-champions/365d", analytics.AudienceQuery{View: "popular_products", Dimension: "persona", Segment: "Champions"}, lastDays(365)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := e.AudienceGrowth(ctx, bc.q, bc.p, 24*time.Hour); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
		})
	}
}
