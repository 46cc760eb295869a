package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
)

// TestThresholdsAtTheirBound runs the statements that turn the lifecycle thresholds into intervals
// with the largest thresholds Shop.Validate allows (MaxDays): they must still answer (beyond the
// bound, 24 × days overflows the statements' integers and the intervals their timestamps).
func TestThresholdsAtTheirBound(t *testing.T) {
	shop := analytics.DefaultShop()
	shop.AtRiskDays, shop.LapsedDays = analytics.MaxDays-1, analytics.MaxDays
	shop.NewBuyerLookbackDays = analytics.MaxDays
	if err := shop.Validate(); err != nil {
		t.Fatal(err)
	}
	e := analytics.New(fixtureSQL(t, segmentsFixture), shop)
	t.Cleanup(e.Close)
	ctx := context.Background()
	to := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	p := analytics.Period{From: to.AddDate(0, -1, 0), To: to}

	// Every customer ordered within 100 years: all active.
	f := first(t)(e.Segments(ctx, analytics.SegmentsQuery{Dimension: "lifecycle_status"}, p))
	wantColumn(t, f, "lifecycle_status", []any{"active", "at risk", "lapsed", "lead"})
	wantColumn(t, f, "customers", []any{int64(10), int64(0), int64(0), int64(0)})
	for _, v := range []string{"summary", "new_returning_lapsed", "trend"} {
		if _, err := e.CustomerEvents(ctx, analytics.EventsQuery{View: v}, p, 24*time.Hour); err != nil {
			t.Errorf("customer events %s: %v", v, err)
		}
	}
	for _, v := range []string{"states", "overview", "active_history"} {
		if _, err := e.AudienceGrowth(ctx, analytics.AudienceQuery{View: v}, p, 24*time.Hour); err != nil {
			t.Errorf("audience growth %s: %v", v, err)
		}
	}
	if _, err := e.Buyers(ctx, analytics.BuyersQuery{View: "summary"}, p, 24*time.Hour); err != nil {
		t.Errorf("buyers: %v", err)
	}
}
