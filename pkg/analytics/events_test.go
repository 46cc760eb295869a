package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
)

// The customer events fixture: a Berlin shop with thresholds at risk 7 and lapsed 14 days (of 24
// hours). The period P is April 2026, local: [1 Apr 00:00 +02, 1 May 00:00 +02); its previous
// period C is the 30 local days before: [2 Mar 00:00 +01, 1 Apr 00:00 +02), which holds the start
// of summer time (29 Mar), so gaps across it are an hour shorter than the calendar says.
//
// Each valid order, with its customer's number of earlier valid orders (e0 first-ever, e1 second)
// and the gap since their previous valid order:
//
//	c1  201 20 Mar 12:00 +01 e0 · 305 3 Apr 13:00 +02 e1, gap 14 d exactly → won back at the threshold
//	c2  101 1 Dec 2025 · 202 20 Mar e1, gap 109 d → won back (C) · 304 3 Apr 12:00 +02, gap 14 d − 1 h → saved
//	c3  203 25 Mar e0 · 302 2 Apr e1, gap 8 d − 1 h → saved · 313 20 Apr, gap 18 d → won back: both in P
//	c4  311 15 Apr 09:00 e0 · 312 15 Apr 18:00 e1: the second order on the first order's day
//	c5  102 Jun 2025 · 204 5 Mar e1 → won back (C) · 309 12 Apr, gap 38 d − 1 h → won back; the
//	    invalid orders of 28 Mar and 8 Apr in between are ignored (with them the gap would be 4 d)
//	c6  206 17 Mar 23:30 +01 e0 (22:30Z): lapses 31 Mar 22:30Z = 1 Apr 00:30 local → lapsed in P
//	c7  103 Nov 2025 · 207 25 Mar e1 → won back (C); lapses 8 Apr, then 314 22 Apr, gap 28 d − 1 h →
//	    won back and returning in P, not lapsed
//	c8  401 1 May 00:30 +02 e0 · 402 1 May 00:45 e1: after P locally, in April in UTC
//	c9  301 1 Apr 00:30 +02 e0 (31 Mar 22:30Z): in P locally, in March in UTC
//	c10 only an invalid order in P: never a customer
//	c11 104 20 Feb e0, nothing since: lapses 6 Mar → lapsed in C
//	c12 306 5 Apr 10:00 e0 · 310 12 Apr 10:00 e1, gap 7 d exactly → gained and saved in P
//	c13 208 30 Mar e0 · 303 2 Apr e1, gap 3 d
//
// Counted by hand:
//
//	P: unique c1 c2 c3 c4 c5 c7 c9 c12 c13 = 9 · gained c4 c9 c12 = 3 · second c1 c3 c4 c12 c13 = 5
//	   won back c1 c3 c5 c7 = 4 · saved c2 c3 c12 = 3
//	   new 3 · returning 9 − 3 = 6 · lapsed c6 = 1 (shares of 10: .3 .6 .1)
//	C: unique c1 c2 c3 c5 c6 c7 c13 = 7 · gained c1 c3 c6 c13 = 4 · second c2 c5 c7 = 3
//	   won back c2 c5 c7 = 3 · saved 0 · new 4 · returning 3 · lapsed c11 = 1 (shares of 8)
const eventsFixture = `
INSERT INTO products VALUES
  (1, 'Tee', 'apparel', '{"color":"red"}'),
  (2, 'Mug', 'home',    '{"color":"blue","size":"L"}'),
  (3, 'Cap', NULL,      '{}');
INSERT INTO customers (customer_id, created_at)
SELECT g, '2025-01-01Z' FROM generate_series(1, 13) g;
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total, store_id, source_medium, coupon_code) VALUES
  (101,  2, '2025-12-01 12:00+01', true,   20, 's1', NULL,    NULL),
  (102,  5, '2025-06-01 12:00+02', true,   10, 's1', NULL,    NULL),
  (103,  7, '2025-11-01 12:00+01', true,   10, 's1', NULL,    NULL),
  (104, 11, '2026-02-20 12:00+01', true,   15, 's1', NULL,    NULL),
  (201,  1, '2026-03-20 12:00+01', true,   40, 's1', NULL,    NULL),
  (202,  2, '2026-03-20 12:00+01', true,   30, 's2', NULL,    NULL),
  (203,  3, '2026-03-25 10:00+01', true,   20, 's1', NULL,    NULL),
  (204,  5, '2026-03-05 10:00+01', true,   70, 's2', NULL,    NULL),
  (205,  5, '2026-03-28 10:00+01', false, 999, 's1', NULL,    NULL),
  (206,  6, '2026-03-17 23:30+01', true,   80, 's1', NULL,    NULL),
  (207,  7, '2026-03-25 12:00+01', true,   20, 's2', NULL,    NULL),
  (208, 13, '2026-03-30 10:00+02', true,   10, 's1', NULL,    NULL),
  (301,  9, '2026-04-01 00:30+02', true,   25, 's1', 'email', 'WELCOME10'),
  (302,  3, '2026-04-02 10:00+02', true,   25, 's2', NULL,    NULL),
  (303, 13, '2026-04-02 10:00+02', true,   10, NULL, NULL,    NULL),
  (304,  2, '2026-04-03 12:00+02', true,   35, 's1', NULL,    NULL),
  (305,  1, '2026-04-03 13:00+02', true,   50, 's2', NULL,    NULL),
  (306, 12, '2026-04-05 10:00+02', true,   40, 's1', 'email', NULL),
  (307,  5, '2026-04-08 10:00+02', false, 999, 's1', NULL,    NULL),
  (308, 10, '2026-04-10 10:00+02', false, 300, 's1', NULL,    NULL),
  (309,  5, '2026-04-12 10:00+02', true,   45, 's1', NULL,    NULL),
  (310, 12, '2026-04-12 10:00+02', true,   30, 's2', NULL,    NULL),
  (311,  4, '2026-04-15 09:00+02', true,   60, 's2', 'cpc',   'WELCOME10'),
  (312,  4, '2026-04-15 18:00+02', true,   15, 's2', NULL,    NULL),
  (313,  3, '2026-04-20 10:00+02', true,   30, 's1', NULL,    NULL),
  (314,  7, '2026-04-22 12:00+02', true,   35, NULL, NULL,    NULL),
  (401,  8, '2026-05-01 00:30+02', true,   80, 's2', NULL,    NULL),
  (402,  8, '2026-05-01 00:45+02', true,   20, 's1', NULL,    NULL);
INSERT INTO order_items VALUES
  (301, 1, 1, 20),
  (302, 2, 1, 25),
  (303, 3, 2, 5),
  (304, 1, 1, 20), (304, 2, 1, 15),
  (305, 2, 2, 25),
  (306, 1, 1, 20), (306, 3, 2, 10),
  (307, 1, 10, 99.9),
  (308, 1, 3, 100),
  (309, 3, 3, 15),
  (310, 2, 1, 30),
  (311, 1, 2, 20), (311, 2, 1, 20),
  (312, 3, 1, 15),
  (313, 1, 1, 30),
  (314, 2, 1, 35),
  (401, 2, 2, 40),
  (402, 1, 1, 20);
`

func TestCustomerEventsFixture(t *testing.T) {
	berlin := mustLoc(t, "Europe/Berlin")
	db := fixtureSQL(t, eventsFixture)
	shop := analytics.DefaultShop()
	shop.Location = berlin
	shop.AtRiskDays, shop.LapsedDays = 7, 14
	e := analytics.New(db, shop)
	ctx := context.Background()
	local := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, berlin) }
	april := analytics.Period{From: local(4, 1), To: local(5, 1)}

	run := func(t *testing.T, e *analytics.Engine, q analytics.EventsQuery, p analytics.Period) *data.Frame {
		t.Helper()
		frames, err := e.CustomerEvents(ctx, q, p, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if len(frames) != 1 {
			t.Fatalf("%d frames, want 1", len(frames))
		}
		f := frames[0]
		if f.Meta == nil || f.Meta.ExecutedQueryString == "" {
			t.Error("frame lacks the executed SQL")
		}
		return f
	}
	metrics := []any{"Unique customers", "Customers gained", "Second orders", "Customers won back", "Customers saved"}

	t.Run("summary", func(t *testing.T) {
		f := run(t, e, analytics.EventsQuery{}, april)
		wantFields(t, f, "metric", "customers", "customers_previous", "customers_change")
		wantColumn(t, f, "metric", metrics)
		wantColumn(t, f, "customers", []any{int64(9), int64(3), int64(5), int64(4), int64(3)})
		wantColumn(t, f, "customers_previous", []any{int64(7), int64(4), int64(3), int64(3), int64(0)})
		wantColumn(t, f, "customers_change", []any{2.0 / 7, -0.25, 2.0 / 3, 1.0 / 3, nil})
		wantEventUnits(t, f, "", "short", "short", "percentunit")
		meta := f.Meta.Custom.(map[string]string)
		if meta["comparison"] != "[2026-03-02T00:00:00+01:00, 2026-04-01T00:00:00+02:00)" || meta["lapsed_days"] != "14" || meta["at_risk_days"] != "7" {
			t.Errorf("meta %v", meta)
		}
	})

	t.Run("summary against an empty comparison range", func(t *testing.T) {
		// April 2025 has no orders at all.
		f := run(t, e, analytics.EventsQuery{Comparison: analytics.Offset1Year}, april)
		wantColumn(t, f, "customers", []any{int64(9), int64(3), int64(5), int64(4), int64(3)})
		wantColumn(t, f, "customers_previous", []any{int64(0), int64(0), int64(0), int64(0), int64(0)})
		wantColumn(t, f, "customers_change", []any{nil, nil, nil, nil, nil})
	})

	t.Run("summary without comparison, in UTC", func(t *testing.T) {
		// April in UTC loses c9's order (22:30Z on 31 March) and gains c8's two (22:30Z and
		// 22:45Z on 30 April): c8 is gained and places a second order.
		s := shop
		s.Location = time.UTC
		utc := analytics.Period{From: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
		f := run(t, analytics.New(db, s), analytics.EventsQuery{Comparison: analytics.NoComparison}, utc)
		wantFields(t, f, "metric", "customers")
		wantColumn(t, f, "metric", metrics)
		wantColumn(t, f, "customers", []any{int64(9), int64(3), int64(6), int64(4), int64(3)})
	})

	t.Run("trend", func(t *testing.T) {
		// Weeks start on Monday: 1–6, 6–13, 13–20, 20–27 and 27 April – 1 May; the previous
		// period's weeks start on 2, 9, 16, 23 and 30 March.
		f := run(t, e, analytics.EventsQuery{View: "trend", Bucket: "week"}, april)
		wantFields(t, f, "time", "unique_customers", "customers_gained", "second_orders", "won_back", "saved",
			"unique_customers_previous", "customers_gained_previous", "second_orders_previous", "won_back_previous", "saved_previous")
		wantColumn(t, f, "time", []any{local(4, 1), local(4, 6), local(4, 13), local(4, 20), local(4, 27)})
		wantColumn(t, f, "unique_customers", eventCounts(6, 2, 1, 2, 0))
		wantColumn(t, f, "customers_gained", eventCounts(2, 0, 1, 0, 0)) // sums to the period's 3
		wantColumn(t, f, "second_orders", eventCounts(3, 1, 1, 0, 0))
		wantColumn(t, f, "won_back", eventCounts(1, 1, 0, 2, 0))
		wantColumn(t, f, "saved", eventCounts(2, 1, 0, 0, 0))
		wantColumn(t, f, "unique_customers_previous", eventCounts(1, 0, 3, 2, 1))
		wantColumn(t, f, "customers_gained_previous", eventCounts(0, 0, 2, 1, 1))
		wantColumn(t, f, "second_orders_previous", eventCounts(1, 0, 1, 1, 0))
		wantColumn(t, f, "won_back_previous", eventCounts(1, 0, 1, 1, 0))
		wantColumn(t, f, "saved_previous", eventCounts(0, 0, 0, 0, 0))
		if f.Meta.PreferredVisualization != data.VisTypeGraph {
			t.Errorf("preferred visualisation %q", f.Meta.PreferredVisualization)
		}
		if u := f.Fields[1].Config.Unit; u != "short" {
			t.Errorf("unit %q", u)
		}
	})

	t.Run("trend of one metric", func(t *testing.T) {
		f := run(t, e, analytics.EventsQuery{View: "trend", Bucket: "week", Metric: "won_back", Comparison: analytics.NoComparison}, april)
		wantFields(t, f, "time", "won_back")
		wantColumn(t, f, "won_back", eventCounts(1, 1, 0, 2, 0))
	})

	t.Run("trend of one metric, month buckets against a year before", func(t *testing.T) {
		// March–April against the same months a year back: two buckets each, all empty before.
		p := analytics.Period{From: local(3, 1), To: local(5, 1)}
		f := run(t, e, analytics.EventsQuery{View: "trend", Bucket: "month", Metric: "customers_gained", Comparison: analytics.Offset1Year}, p)
		wantFields(t, f, "time", "customers_gained", "customers_gained_previous")
		wantColumn(t, f, "time", []any{local(3, 1), local(4, 1)})
		wantColumn(t, f, "customers_gained", eventCounts(4, 3))
		wantColumn(t, f, "customers_gained_previous", eventCounts(0, 0))
	})

	t.Run("trend against a year before, buckets moved by a year", func(t *testing.T) {
		// Tuesday 7 to Tuesday 14 April spans two week buckets, [7, 13) and [13, 14); each faces
		// the same dates a year before (divided on its own, that range, Monday to Monday, was one
		// week, and the second bucket had no comparison). c12 is saved on 12 April.
		p := analytics.Period{From: local(4, 7), To: local(4, 14)}
		f := run(t, e, analytics.EventsQuery{View: "trend", Bucket: "week", Metric: "saved", Comparison: analytics.Offset1Year}, p)
		wantFields(t, f, "time", "saved", "saved_previous")
		wantColumn(t, f, "time", []any{local(4, 7), local(4, 13)})
		wantColumn(t, f, "saved", eventCounts(1, 0))
		wantColumn(t, f, "saved_previous", eventCounts(0, 0))
	})

	t.Run("new, returning and lapsed", func(t *testing.T) {
		f := run(t, e, analytics.EventsQuery{View: "new_returning_lapsed"}, april)
		wantFields(t, f, "group", "customers", "share", "customers_previous", "customers_change", "share_previous")
		wantColumn(t, f, "group", []any{"New customers", "Returning customers", "Lapsed customers"})
		wantColumn(t, f, "customers", eventCounts(3, 6, 1))
		wantColumn(t, f, "share", []any{0.3, 0.6, 0.1})
		wantColumn(t, f, "customers_previous", eventCounts(4, 3, 1))
		wantColumn(t, f, "customers_change", []any{-0.25, 1.0, 0.0})
		wantColumn(t, f, "share_previous", []any{0.5, 0.375, 0.125})
		wantEventUnits(t, f, "", "short", "percentunit", "short", "percentunit", "percentunit")
	})

	t.Run("new, returning and lapsed in UTC", func(t *testing.T) {
		// In UTC, c9 (last order 22:30Z on 31 March) lapses in April instead of ordering in it,
		// and c6 (22:30Z on 17 March) lapsed in March; c8 is new.
		s := shop
		s.Location = time.UTC
		utc := analytics.Period{From: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
		f := run(t, analytics.New(db, s), analytics.EventsQuery{View: "new_returning_lapsed", Comparison: analytics.NoComparison}, utc)
		wantFields(t, f, "group", "customers", "share")
		wantColumn(t, f, "customers", eventCounts(3, 6, 1))
		wantColumn(t, f, "share", []any{0.3, 0.6, 0.1})
		orders := run(t, analytics.New(db, s), analytics.EventsQuery{View: "orders", Event: "customers_gained", GroupBy: "store"}, utc)
		wantColumn(t, orders, "store", []any{"s2", "s1"})
		wantColumn(t, orders, "units", eventCounts(5, 3))
		wantColumn(t, orders, "customers", eventCounts(2, 1))
		wantColumn(t, orders, "revenue", []any{140.0, 40.0})
	})

	t.Run("orders", func(t *testing.T) {
		for _, tc := range []struct {
			name      string
			q         analytics.EventsQuery
			fields    []string
			values    []any
			units     []any
			customers []any
			revenue   []any
		}{
			{"gained by product (the default grouping)", analytics.EventsQuery{Event: "customers_gained"},
				[]string{"product_id", "product", "units", "customers", "revenue"},
				[]any{"Tee", "Cap", "Mug"}, eventCounts(4, 2, 1), eventCounts(3, 1, 1), []any{80.0, 20.0, 20.0}},
			{"gained by category", analytics.EventsQuery{Event: "customers_gained", GroupBy: "product_category"},
				[]string{"product_category", "units", "customers", "revenue"},
				[]any{"apparel", "home", "unknown"}, eventCounts(4, 1, 2), eventCounts(3, 1, 1), []any{80.0, 20.0, 20.0}},
			{"gained by color", analytics.EventsQuery{Event: "customers_gained", GroupBy: "product_attribute", AttributeKey: "color"},
				[]string{"product_attribute", "units", "customers", "revenue"},
				[]any{"red", "blue", "unknown"}, eventCounts(4, 1, 2), eventCounts(3, 1, 1), []any{80.0, 20.0, 20.0}},
			{"gained by size", analytics.EventsQuery{Event: "customers_gained", GroupBy: "product_attribute", AttributeKey: "size"},
				[]string{"product_attribute", "units", "customers", "revenue"},
				[]any{"unknown", "L"}, eventCounts(6, 1), eventCounts(3, 1), []any{100.0, 20.0}},
			{"gained by store", analytics.EventsQuery{Event: "customers_gained", GroupBy: "store"},
				[]string{"store", "units", "customers", "revenue"},
				[]any{"s1", "s2"}, eventCounts(4, 3), eventCounts(2, 1), []any{65.0, 60.0}},
			{"gained in store s2 by product", analytics.EventsQuery{Event: "customers_gained", Stores: []string{"s2"}},
				[]string{"product_id", "product", "units", "customers", "revenue"},
				[]any{"Tee", "Mug"}, eventCounts(2, 1), eventCounts(1, 1), []any{40.0, 20.0}},
			{"second orders by store", analytics.EventsQuery{Event: "second_orders", GroupBy: "store"},
				[]string{"store", "units", "customers", "revenue"},
				[]any{"s2", "unknown"}, eventCounts(5, 2), eventCounts(4, 1), []any{120.0, 10.0}},
			{"won back by store", analytics.EventsQuery{Event: "won_back", GroupBy: "store"},
				[]string{"store", "units", "customers", "revenue"},
				[]any{"s1", "s2", "unknown"}, eventCounts(4, 2, 1), eventCounts(2, 1, 1), []any{75.0, 50.0, 35.0}},
			{"won back by store, top 1", analytics.EventsQuery{Event: "won_back", GroupBy: "store", TopN: 1},
				[]string{"store", "units", "customers", "revenue"},
				[]any{"s1"}, eventCounts(4), eventCounts(2), []any{75.0}},
			{"won back by product", analytics.EventsQuery{Event: "won_back"},
				[]string{"product_id", "product", "units", "customers", "revenue"},
				[]any{"Mug", "Cap", "Tee"}, eventCounts(3, 3, 1), eventCounts(2, 1, 1), []any{85.0, 45.0, 30.0}},
			{"saved by product", analytics.EventsQuery{Event: "saved"},
				[]string{"product_id", "product", "units", "customers", "revenue"},
				[]any{"Mug", "Tee"}, eventCounts(3, 1), eventCounts(3, 1), []any{70.0, 20.0}},
			{"all orders by source medium", analytics.EventsQuery{GroupBy: "source_medium"},
				[]string{"source_medium", "units", "customers", "revenue"},
				[]any{"unknown", "email", "cpc"}, eventCounts(14, 4, 3), eventCounts(8, 2, 1), []any{275.0, 65.0, 60.0}},
			{"all orders by coupon", analytics.EventsQuery{Event: "unique_customers", GroupBy: "coupon_code"},
				[]string{"coupon_code", "units", "customers", "revenue"},
				[]any{"unknown", "WELCOME10"}, eventCounts(17, 4), eventCounts(8, 2), []any{315.0, 85.0}},
			{"all orders by device type", analytics.EventsQuery{GroupBy: "device_type"},
				[]string{"device_type", "units", "customers", "revenue"},
				[]any{"unknown"}, eventCounts(21), eventCounts(9), []any{400.0}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				q := tc.q
				q.View = "orders"
				f := run(t, e, q, april)
				wantFields(t, f, tc.fields...)
				wantColumn(t, f, tc.fields[len(tc.fields)-4], tc.values)
				wantColumn(t, f, "units", tc.units)
				wantColumn(t, f, "customers", tc.customers)
				wantColumn(t, f, "revenue", tc.revenue)
				if tc.fields[0] == "product_id" {
					ids := map[any]any{"Tee": "1", "Mug": "2", "Cap": "3"}
					want := make([]any, len(tc.values))
					for i, v := range tc.values {
						want[i] = ids[v]
					}
					wantColumn(t, f, "product_id", want)
				}
				if u := f.Fields[len(f.Fields)-1].Config.Unit; u != "currencyUSD" {
					t.Errorf("revenue unit %q", u)
				}
			})
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for name, tc := range map[string]struct {
			q analytics.EventsQuery
			p analytics.Period
		}{
			"unknown view":               {analytics.EventsQuery{View: "funnel"}, april},
			"unknown metric":             {analytics.EventsQuery{View: "trend", Metric: "lapsed"}, april},
			"unknown event":              {analytics.EventsQuery{View: "orders", Event: "churned"}, april},
			"unknown group by":           {analytics.EventsQuery{View: "orders", GroupBy: "country"}, april},
			"attribute without key":      {analytics.EventsQuery{View: "orders", GroupBy: "product_attribute", AttributeKey: " "}, april},
			"unknown comparison":         {analytics.EventsQuery{Comparison: "last_week"}, april},
			"unknown comparison, trend":  {analytics.EventsQuery{View: "trend", Comparison: "last_week"}, april},
			"unknown comparison, groups": {analytics.EventsQuery{View: "new_returning_lapsed", Comparison: "last_week"}, april},
			"unknown bucket":             {analytics.EventsQuery{View: "trend", Bucket: "fortnight"}, april},
			"top N negative":             {analytics.EventsQuery{View: "orders", TopN: -1}, april},
			"top N too large":            {analytics.EventsQuery{View: "orders", TopN: 1001}, april},
			"empty store id":             {analytics.EventsQuery{View: "orders", Stores: []string{""}}, april},
			"empty range":                {analytics.EventsQuery{}, analytics.Period{From: april.From, To: april.From}},
			"reversed range":             {analytics.EventsQuery{View: "orders"}, analytics.Period{From: april.To, To: april.From}},
		} {
			_, err := e.CustomerEvents(ctx, tc.q, tc.p, 24*time.Hour)
			if !analytics.IsQueryError(err) {
				t.Errorf("%s: want a query error, got %v", name, err)
			}
		}
	})
}

func eventCounts(v ...int64) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

// wantEventUnits checks the unit of each field, in order.
func wantEventUnits(t *testing.T, f *data.Frame, units ...string) {
	t.Helper()
	for i, u := range units {
		if i >= len(f.Fields) {
			t.Errorf("no field %d for unit %q", i, u)
			continue
		}
		if got := f.Fields[i].Config.Unit; got != u {
			t.Errorf("field %s unit %q, want %q", f.Fields[i].Name, got, u)
		}
	}
}
