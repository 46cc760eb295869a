package analytics_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// Properties of audience_growth on a 3k-customer demo shop: the states at every bucket end add up
// to the customers (independent SQL) and equal the segment breakdown by audience_state as of that
// end; the overview and the active history are the breakdown's numbers; the popular products of a
// segment add up to its order lines counted independently. In UTC and in a shop time zone with
// daylight saving time.
func TestAudienceGrowthDemoShopProperties(t *testing.T) {
	dsn := pgtest.WithDatabase(pgtest.AdminDSN(t), pgtest.DemoTemplate(t, 3000, nil))
	db := openDB(t, dsn)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	scalar := func(sql string, args ...any) int64 {
		t.Helper()
		var v int64
		if err := conn.QueryRow(ctx, sql, args...).Scan(&v); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		return v
	}
	customersBefore := func(at time.Time) int64 {
		return scalar(`SELECT count(DISTINCT o.customer_id) FROM commerce.orders o JOIN commerce.customers c USING (customer_id)
		   WHERE o.is_valid AND o.placed_at < $1`, at)
	}
	berlin := analytics.DefaultShop()
	berlin.Location = mustLoc(t, "Europe/Berlin")
	end := pgtest.DemoEnd.AddDate(0, -2, 0)
	for _, tc := range []struct {
		name   string
		shop   analytics.Shop
		p      analytics.Period
		bucket string
	}{
		{"UTC monthly, 14 months", analytics.DefaultShop(), analytics.Period{From: end.AddDate(0, -14, 0), To: end}, "month"},
		{"Berlin daily over the spring DST change", berlin, analytics.Period{
			From: time.Date(2026, 3, 10, 0, 0, 0, 0, berlin.Location), To: time.Date(2026, 4, 20, 0, 0, 0, 0, berlin.Location)}, "day"},
		{"Berlin weekly, a year", berlin, analytics.Period{From: end.AddDate(-1, 0, 0), To: end}, "week"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := analytics.New(db, tc.shop)
			f := first(t)(e.AudienceGrowth(ctx, analytics.AudienceQuery{Bucket: tc.bucket}, tc.p, 0))
			buckets, err := tc.shop.Buckets(tc.p, tc.bucket, 0)
			if err != nil {
				t.Fatal(err)
			}
			if f.Rows() != len(buckets) || f.Rows() < 10 {
				t.Fatalf("%d rows for %d buckets", f.Rows(), len(buckets))
			}
			var lastSum int64
			for i, b := range buckets {
				wantEqual(t, fmt.Sprintf("time %d", i), f.Fields[0].At(i).(time.Time).Equal(b.To), true)
				var sum int64
				for _, fl := range f.Fields[1:] {
					sum += fl.At(i).(int64)
				}
				wantEqual(t, fmt.Sprintf("customers at %s", b.To), sum, customersBefore(b.To))
				// Every bucket end against the breakdown as of it (contact_dims' definition).
				s := first(t)(e.Segments(ctx, analytics.SegmentsQuery{Dimension: "audience_state", Metric: "customers"},
					analytics.Period{From: b.To.Add(-time.Hour), To: b.To}))
				for j, name := range []string{"new", "active", "slipping_away", "lost"} {
					wantEqual(t, fmt.Sprintf("%s at %s", name, b.To), f.Fields[1+j].At(i), s.Fields[1].At(j))
				}
				lastSum = sum
			}
			if lastSum < 1000 {
				t.Fatalf("the demo shop is too thin: %d customers", lastSum)
			}

			// The overview is the breakdown's numbers, for a few dimensions.
			for _, d := range []string{"audience_state", "lifecycle_status", "gender", "country", "value_band"} {
				o := first(t)(e.AudienceGrowth(ctx, analytics.AudienceQuery{View: "overview", Dimension: d}, tc.p, 0))
				b := first(t)(e.Segments(ctx, analytics.SegmentsQuery{Dimension: d}, tc.p))
				j := 0
				for i := 0; i < b.Rows(); i++ {
					if b.Fields[0].At(i) == "lead" {
						continue
					}
					for _, fl := range o.Fields {
						bf, _ := b.FieldByName(fl.Name)
						wantEqual(t, fmt.Sprintf("%s %s %v", d, fl.Name, b.Fields[0].At(i)), fmt.Sprint(deref(fl.At(j))), fmt.Sprint(deref(bf.At(i))))
					}
					j++
				}
				wantEqual(t, d+" overview rows", o.Rows(), j)
			}

			// Active history: audience state active as of each instant, per the breakdown.
			h := first(t)(e.AudienceGrowth(ctx, analytics.AudienceQuery{View: "active_history"}, tc.p, 0))
			for i := 0; i < h.Rows(); i++ {
				at := h.Fields[1].At(i).(time.Time)
				s := first(t)(e.Segments(ctx, analytics.SegmentsQuery{Dimension: "audience_state", Metric: "customers"},
					analytics.Period{From: at.Add(-time.Hour), To: at}))
				wantEqual(t, fmt.Sprintf("active %s", at), h.Fields[2].At(i), s.Fields[1].At(1))
			}
			wantEqual(t, "as of now", h.Fields[1].At(0).(time.Time).Equal(tc.p.To), true)
			wantEqual(t, "12 months ago", h.Fields[1].At(4).(time.Time).Equal(tc.p.To.In(tc.shop.Location).AddDate(-1, 0, 0)), true)

			// Popular products of the active customers: all of them add up to their order lines.
			pp := first(t)(e.AudienceGrowth(ctx, analytics.AudienceQuery{View: "popular_products", Segment: "active", TopN: 1000}, tc.p, 0))
			newFrom := tc.p.To.In(tc.shop.Location).AddDate(0, 0, -30)
			units := scalar(`
WITH s AS (SELECT customer_id FROM commerce.orders WHERE is_valid AND placed_at < $1 GROUP BY 1
           HAVING min(placed_at) < $2 AND max(placed_at) > $1 - interval '182 days')
SELECT coalesce(sum(i.quantity), 0)::bigint FROM s JOIN commerce.customers c USING (customer_id)
JOIN commerce.orders o ON o.customer_id = s.customer_id AND o.is_valid AND o.placed_at >= $3 AND o.placed_at < $1
JOIN commerce.order_items i ON i.order_id = o.order_id`, tc.p.To, newFrom, tc.p.From)
			if pp.Rows() < 1000 {
				wantEqual(t, "active units", sumInts(pp, "units"), units)
			}
			if units == 0 {
				t.Error("no active units: the check is empty")
			}
		})
	}
}

func deref(v any) any {
	switch p := v.(type) {
	case *float64:
		if p == nil {
			return nil
		}
		return *p
	case *int64:
		if p == nil {
			return nil
		}
		return *p
	}
	return v
}
