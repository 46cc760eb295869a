package analytics_test

import (
	"context"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
)

// BenchmarkSegments prints the latency of each segments, value-bands and personas view on the demo
// shop (ms/op). The dimensions are as of the period's end, so the period's length does not matter.
func BenchmarkSegments(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	p := lastDays(30)
	for _, bc := range []struct {
		name string
		run  func() (data.Frames, error)
	}{
		{"breakdown/gender", func() (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{Dimension: "gender"}, p)
		}},
		{"breakdown/lifecycle_status", func() (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{Dimension: "lifecycle_status"}, p)
		}},
		{"breakdown/persona", func() (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{Dimension: "persona"}, p)
		}},
		{"breakdown/email_engagement", func() (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{Dimension: "email_engagement"}, p)
		}},
		{"breakdown/first_order_channel", func() (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{Dimension: "first_order_channel"}, p)
		}},
		{"matrix/lifecycle_status-email_engagement", func() (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{View: "matrix", Dimension: "lifecycle_status", Dimension2: "email_engagement"}, p)
		}},
		{"matrix/frequency_band-value_band", func() (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{View: "matrix", Dimension: "frequency_band", Dimension2: "value_band"}, p)
		}},
		{"value_bands/snapshot", func() (data.Frames, error) {
			return e.ValueBands(ctx, analytics.ValueBandsQuery{}, p)
		}},
		{"value_bands/breakdown", func() (data.Frames, error) {
			return e.ValueBands(ctx, analytics.ValueBandsQuery{View: "breakdown"}, p)
		}},
		{"personas/revenue", func() (data.Frames, error) {
			return e.Personas(ctx, analytics.PersonasQuery{}, p)
		}},
		{"personas/by_stage", func() (data.Frames, error) {
			return e.Personas(ctx, analytics.PersonasQuery{View: "by_stage"}, p)
		}},
		{"personas/breakdown", func() (data.Frames, error) {
			return e.Personas(ctx, analytics.PersonasQuery{View: "breakdown"}, p)
		}},
		{"personas/scores", func() (data.Frames, error) {
			return e.Personas(ctx, analytics.PersonasQuery{View: "scores"}, p)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := bc.run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
		})
	}
}
