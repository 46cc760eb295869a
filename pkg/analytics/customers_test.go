package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
)

// The customer report fixture, in a Berlin shop (UTC+1 in winter). The period P is the local week
// [Mon 2 Feb, Mon 9 Feb 2026); the previous period is the local week before, [26 Jan, 2 Feb).
// Counted by hand (history = valid orders before the period's end):
//
//	P:        scope c3 c4 c5 c6 c7 c9 = 6; new c3 c5 c6 = 3; existing c4 c7 c9 = 3
//	          history orders 2+2+1+1+2+3 = 11, revenue 100+150+30+20+60+230 = 590
//	          repurchasers (2+ orders) c3 c4 c7 c9 = 4
//	          in P: new 4 orders / 150 (c3 2/100, c5 1/30, c6 1/20),
//	                existing 4 / 115 (c4 1/50, c7 1/35, c9 2/30), all 8 / 265
//	previous: scope c7 c8 c10 = 3; new c7 c8 = 2; existing c10 = 1
//	          history orders 1+1+2 = 4, revenue 25+15+85 = 125; repurchasers c10 = 1
//	          in it: new 2 / 40 (c7 25, c8 15), existing 1 / 45 (c10), all 3 / 85
//	acquisition by local day: P 2 Feb c6 20 · 3 Feb c3 40 · 8 Feb c5 30;
//	                          previous 27 Jan c8 15 · 28 Jan c7 25
const customersFixture = `
INSERT INTO customers (customer_id, created_at) VALUES
  (1, '2025-01-01Z'), (2, '2025-01-01Z'), (3, '2025-01-01Z'), (4, '2025-01-01Z'), (5, '2025-01-01Z'),
  (6, '2025-01-01Z'), (7, '2025-01-01Z'), (8, '2025-01-01Z'), (9, '2025-01-01Z'), (10, '2025-01-01Z');
-- c1: a lead, no order: never in scope.
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total) VALUES
-- c2: only invalid orders (one in P): never in scope.
  (20, 2, '2026-02-04 10:00+01', false, 500),
  (21, 2, '2025-12-01 10:00+01', false, 80),
-- c3: new in P with a second order the same day (a repurchase); a third after P (not history).
  (30, 3, '2026-02-03 10:00+01', true, 40),
  (31, 3, '2026-02-03 18:00+01', true, 60),
  (32, 3, '2026-02-12 09:00+01', true, 70),
-- c4: first order before P, ordered again in P: existing.
  (40, 4, '2025-11-10 12:00+01', true, 100),
  (41, 4, '2026-02-05 12:00+01', true, 50),
-- c5: new in P; an order exactly at P's end (not in P, not history).
  (50, 5, '2026-02-08 12:00+01', true, 30),
  (51, 5, '2026-02-09 00:00+01', true, 999),
-- c6: new exactly at P's start; midnight of 2 Feb in Berlin is still 1 Feb in UTC: in P here,
-- before it in UTC.
  (60, 6, '2026-02-02 00:00+01', true, 20),
-- c7: new in the previous period (an earlier invalid order does not count), existing in P.
  (70, 7, '2026-01-01 10:00+01', false, 80),
  (71, 7, '2026-01-28 12:00+01', true, 25),
  (72, 7, '2026-02-06 12:00+01', true, 35),
-- c8: new in the previous period only.
  (80, 8, '2026-01-27 09:00+01', true, 15),
-- c9: existing, one order last June and two in P.
  (90, 9, '2025-06-01 12:00+02', true, 200),
  (91, 9, '2026-02-04 12:00+01', true, 10),
  (92, 9, '2026-02-07 12:00+01', true, 20),
-- c10: existing in the previous period only.
  (100, 10, '2025-12-20 12:00+01', true, 40),
  (101, 10, '2026-01-30 12:00+01', true, 45);
`

type customersEnv struct {
	e    *analytics.Engine
	db   analytics.Reader
	shop analytics.Shop
	week analytics.Period
}

func newCustomersEnv(t *testing.T) customersEnv {
	berlin := mustLoc(t, "Europe/Berlin")
	shop := analytics.DefaultShop()
	shop.Location = berlin
	shop.Currency = "EUR"
	db := fixtureSQL(t, customersFixture)
	return customersEnv{
		e:    analytics.New(db, shop),
		db:   db,
		shop: shop,
		week: analytics.Period{From: time.Date(2026, 2, 2, 0, 0, 0, 0, berlin), To: time.Date(2026, 2, 9, 0, 0, 0, 0, berlin)},
	}
}

func (env customersEnv) run(t *testing.T, q analytics.CustomersQuery, p analytics.Period) *frameT {
	t.Helper()
	frames, err := env.e.Customers(context.Background(), q, p, 24*time.Hour)
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

// customerMetricWant is the expected current and previous value of one summary metric (nil: null).
type customerMetricWant struct {
	name, display, unit string
	cur, prev           any
}

func TestCustomersSummary(t *testing.T) {
	env := newCustomersEnv(t)
	metrics := []customerMetricWant{
		{"customers", "Customers", "short", int64(6), int64(3)},
		{"new_customers", "New customers", "short", int64(3), int64(2)},
		{"existing_customers", "Existing customers", "short", int64(3), int64(1)},
		{"orders", "Orders", "short", int64(11), int64(4)},
		{"revenue", "Revenue", "currencyEUR", 590.0, 125.0},
		{"aov", "AOV", "currencyEUR", 590.0 / 11, 125.0 / 4},
		{"revenue_per_customer", "Revenue per customer", "currencyEUR", 590.0 / 6, 125.0 / 3},
		{"orders_per_customer", "Orders per customer", "short", 11.0 / 6, 4.0 / 3},
		{"repurchase_rate", "Repurchase rate", "percentunit", 4.0 / 6, 1.0 / 3},
		{"historical_clv", "Historical CLV", "currencyEUR", 590.0 / 6, 125.0 / 3},
		{"orders_in_period", "Orders in period", "short", int64(8), int64(3)},
		{"revenue_in_period", "Revenue in period", "currencyEUR", 265.0, 85.0},
	}
	num := func(v any) float64 {
		if n, ok := v.(int64); ok {
			return float64(n)
		}
		return v.(float64)
	}

	t.Run("previous period", func(t *testing.T) {
		f := env.run(t, analytics.CustomersQuery{}, env.week)
		var names []string
		for _, m := range metrics {
			names = append(names, m.name, m.name+"_previous", m.name+"_change")
		}
		// Predicted CLV comes last, without a comparison; this shop is too small for a fit, so
		// it is empty and a notice says why (TestCLVPredictionsCDNOW checks its value).
		names = append(names, "predicted_clv", "predicted_revenue")
		wantFields(t, f, names...)
		wantColumn(t, f, "predicted_clv", []any{nil})
		if len(f.Meta.Notices) != 1 || !contains(f.Meta.Notices[0].Text, "too little order history") {
			t.Errorf("notices %+v, want the too-little-history notice", f.Meta.Notices)
		}
		for _, m := range metrics {
			wantColumn(t, f, m.name, []any{m.cur})
			wantColumn(t, f, m.name+"_previous", []any{m.prev})
			wantColumn(t, f, m.name+"_change", []any{num(m.cur)/num(m.prev) - 1})
			wantConfig(t, f, m.name, m.display, m.unit)
			wantConfig(t, f, m.name+"_previous", m.display+" (previous)", m.unit)
			wantConfig(t, f, m.name+"_change", m.display+" change", "percentunit")
		}
		if got := f.Meta.Custom.(map[string]string)["comparison"]; got != "[2026-01-26T00:00:00+01:00, 2026-02-02T00:00:00+01:00)" {
			t.Errorf("comparison range %s", got)
		}
	})

	t.Run("no comparison", func(t *testing.T) {
		f := env.run(t, analytics.CustomersQuery{Comparison: analytics.NoComparison}, env.week)
		var names []string
		for _, m := range metrics {
			names = append(names, m.name)
		}
		wantFields(t, f, append(names, "predicted_clv", "predicted_revenue")...)
		for _, m := range metrics {
			wantColumn(t, f, m.name, []any{m.cur})
		}
	})

	t.Run("UTC days", func(t *testing.T) {
		// The same calendar week in UTC: c6's order (23:30Z on 1 Feb) leaves the period, and c5's
		// order at the Berlin period's end (23:00Z on 8 Feb) enters it. Scope c3 c4 c5 c7 c9 = 5;
		// new c3 c5 = 2; history orders 2+2+2+2+3 = 11, revenue 100+150+1029+60+230 = 1569;
		// repurchasers c3 c4 c5 c7 c9 = 5; in P 2+1+2+1+2 = 8 orders, 100+50+1029+35+30 = 1244.
		s := env.shop
		s.Location = time.UTC
		utcWeek := analytics.Period{From: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 9, 0, 0, 0, 0, time.UTC)}
		frames, err := analytics.New(env.db, s).Customers(context.Background(), analytics.CustomersQuery{Comparison: analytics.NoComparison}, utcWeek, 0)
		if err != nil {
			t.Fatal(err)
		}
		f := frames[0]
		wantColumn(t, f, "customers", []any{int64(5)})
		wantColumn(t, f, "new_customers", []any{int64(2)})
		wantColumn(t, f, "existing_customers", []any{int64(3)})
		wantColumn(t, f, "orders", []any{int64(11)})
		wantColumn(t, f, "revenue", []any{1569.0})
		wantColumn(t, f, "repurchase_rate", []any{1.0})
		wantColumn(t, f, "orders_in_period", []any{int64(8)})
		wantColumn(t, f, "revenue_in_period", []any{1244.0})
	})

	t.Run("empty period", func(t *testing.T) {
		berlin := env.shop.Location
		empty := analytics.Period{From: time.Date(2024, 1, 1, 0, 0, 0, 0, berlin), To: time.Date(2024, 1, 8, 0, 0, 0, 0, berlin)}
		f := env.run(t, analytics.CustomersQuery{}, empty)
		for _, m := range metrics {
			var zero any
			switch m.cur.(type) {
			case int64:
				zero = int64(0)
			default:
				if m.name == "revenue" || m.name == "revenue_in_period" {
					zero = 0.0
				}
			}
			wantColumn(t, f, m.name, []any{zero})
			wantColumn(t, f, m.name+"_previous", []any{zero})
			wantColumn(t, f, m.name+"_change", []any{nil})
		}
	})

	t.Run("offset comparison", func(t *testing.T) {
		// Seven days back is the previous week again.
		f := env.run(t, analytics.CustomersQuery{Comparison: analytics.Offset7Days}, env.week)
		for _, m := range metrics {
			wantColumn(t, f, m.name+"_previous", []any{m.prev})
		}
	})
}

func TestCustomersNewVsExisting(t *testing.T) {
	env := newCustomersEnv(t)

	t.Run("previous period", func(t *testing.T) {
		f := env.run(t, analytics.CustomersQuery{View: "new_vs_existing"}, env.week)
		wantFields(t, f, "group", "customers", "customer_share", "orders_in_period", "revenue_in_period", "revenue_share", "aov_in_period",
			"customers_previous", "customers_change", "customer_share_previous", "orders_in_period_previous", "orders_in_period_change",
			"revenue_in_period_previous", "revenue_in_period_change", "revenue_share_previous", "aov_in_period_previous", "aov_in_period_change")
		wantColumn(t, f, "group", []any{"New customers", "Existing customers", "All customers"})
		wantColumn(t, f, "customers", []any{int64(3), int64(3), int64(6)})
		wantColumn(t, f, "customer_share", []any{0.5, 0.5, 1.0})
		wantColumn(t, f, "orders_in_period", []any{int64(4), int64(4), int64(8)})
		wantColumn(t, f, "revenue_in_period", []any{150.0, 115.0, 265.0})
		wantColumn(t, f, "revenue_share", []any{150.0 / 265, 115.0 / 265, 1.0})
		wantColumn(t, f, "aov_in_period", []any{37.5, 28.75, 265.0 / 8})
		wantColumn(t, f, "customers_previous", []any{int64(2), int64(1), int64(3)})
		wantColumn(t, f, "customers_change", []any{0.5, 2.0, 1.0})
		wantColumn(t, f, "customer_share_previous", []any{2.0 / 3, 1.0 / 3, 1.0})
		wantColumn(t, f, "orders_in_period_previous", []any{int64(2), int64(1), int64(3)})
		wantColumn(t, f, "orders_in_period_change", []any{1.0, 3.0, 8.0/3 - 1})
		wantColumn(t, f, "revenue_in_period_previous", []any{40.0, 45.0, 85.0})
		wantColumn(t, f, "revenue_in_period_change", []any{150.0/40 - 1, 115.0/45 - 1, 265.0/85 - 1})
		wantColumn(t, f, "revenue_share_previous", []any{40.0 / 85, 45.0 / 85, 1.0})
		wantColumn(t, f, "aov_in_period_previous", []any{20.0, 45.0, 85.0 / 3})
		wantColumn(t, f, "aov_in_period_change", []any{37.5/20 - 1, 28.75/45 - 1, (265.0/8)/(85.0/3) - 1})
		for _, c := range []struct{ name, display, unit string }{
			{"customers", "Customers", "short"},
			{"customer_share", "Share of customers", "percentunit"},
			{"orders_in_period", "Orders in period", "short"},
			{"revenue_in_period", "Revenue in period", "currencyEUR"},
			{"revenue_share", "Share of revenue in period", "percentunit"},
			{"aov_in_period", "AOV in period", "currencyEUR"},
			{"customers_change", "Customers change", "percentunit"},
			{"revenue_in_period_previous", "Revenue in period (previous)", "currencyEUR"},
			{"aov_in_period_previous", "AOV in period (previous)", "currencyEUR"},
		} {
			wantConfig(t, f, c.name, c.display, c.unit)
		}
	})

	t.Run("no comparison", func(t *testing.T) {
		f := env.run(t, analytics.CustomersQuery{View: "new_vs_existing", Comparison: analytics.NoComparison}, env.week)
		wantFields(t, f, "group", "customers", "customer_share", "orders_in_period", "revenue_in_period", "revenue_share", "aov_in_period")
		wantColumn(t, f, "customers", []any{int64(3), int64(3), int64(6)})
	})

	t.Run("empty period", func(t *testing.T) {
		berlin := env.shop.Location
		empty := analytics.Period{From: time.Date(2024, 1, 1, 0, 0, 0, 0, berlin), To: time.Date(2024, 1, 8, 0, 0, 0, 0, berlin)}
		f := env.run(t, analytics.CustomersQuery{View: "new_vs_existing"}, empty)
		zeros, nulls := []any{int64(0), int64(0), int64(0)}, []any{nil, nil, nil}
		wantColumn(t, f, "group", []any{"New customers", "Existing customers", "All customers"})
		wantColumn(t, f, "customers", zeros)
		wantColumn(t, f, "customer_share", nulls)
		wantColumn(t, f, "orders_in_period", zeros)
		wantColumn(t, f, "revenue_in_period", []any{0.0, 0.0, 0.0})
		wantColumn(t, f, "revenue_share", nulls)
		wantColumn(t, f, "aov_in_period", nulls)
		wantColumn(t, f, "customers_previous", zeros)
		wantColumn(t, f, "customers_change", nulls)
		wantColumn(t, f, "customer_share_previous", nulls)
		wantColumn(t, f, "orders_in_period_previous", zeros)
		wantColumn(t, f, "orders_in_period_change", nulls)
		wantColumn(t, f, "revenue_in_period_previous", []any{0.0, 0.0, 0.0})
		wantColumn(t, f, "revenue_in_period_change", nulls)
		wantColumn(t, f, "revenue_share_previous", nulls)
		wantColumn(t, f, "aov_in_period_previous", nulls)
		wantColumn(t, f, "aov_in_period_change", nulls)
	})
}

func TestCustomersAcquisition(t *testing.T) {
	env := newCustomersEnv(t)
	berlin := env.shop.Location
	day := func(d int) time.Time { return time.Date(2026, 2, d, 0, 0, 0, 0, berlin) }

	t.Run("daily with previous period", func(t *testing.T) {
		f := env.run(t, analytics.CustomersQuery{View: "acquisition", Bucket: "day"}, env.week)
		wantFields(t, f, "time", "new_customers", "first_order_revenue", "new_customers_previous", "first_order_revenue_previous")
		wantColumn(t, f, "time", []any{day(2), day(3), day(4), day(5), day(6), day(7), day(8)})
		// c3's second order the same day is not a first order: 40, not 100.
		wantColumn(t, f, "new_customers", []any{int64(1), int64(1), int64(0), int64(0), int64(0), int64(0), int64(1)})
		wantColumn(t, f, "first_order_revenue", []any{20.0, 40.0, 0.0, 0.0, 0.0, 0.0, 30.0})
		wantColumn(t, f, "new_customers_previous", []any{int64(0), int64(1), int64(1), int64(0), int64(0), int64(0), int64(0)})
		wantColumn(t, f, "first_order_revenue_previous", []any{0.0, 15.0, 25.0, 0.0, 0.0, 0.0, 0.0})
		wantConfig(t, f, "time", "Time", "")
		wantConfig(t, f, "new_customers", "New customers", "short")
		wantConfig(t, f, "first_order_revenue", "First-order revenue", "currencyEUR")
		wantConfig(t, f, "new_customers_previous", "New customers (previous)", "short")
		wantConfig(t, f, "first_order_revenue_previous", "First-order revenue (previous)", "currencyEUR")
	})

	t.Run("one week bucket equals the summary's new customers", func(t *testing.T) {
		f := env.run(t, analytics.CustomersQuery{View: "acquisition", Bucket: "week", Comparison: analytics.NoComparison}, env.week)
		wantFields(t, f, "time", "new_customers", "first_order_revenue")
		wantColumn(t, f, "time", []any{day(2)})
		wantColumn(t, f, "new_customers", []any{int64(3)})
		wantColumn(t, f, "first_order_revenue", []any{90.0})
	})

	t.Run("overlapping offset comparison", func(t *testing.T) {
		// A two-week period compared with 7 days earlier: the two ranges overlap, and each range
		// decides on its own who is new in it. Current [26 Jan, 9 Feb): c8 27 Jan, c7 28 Jan,
		// c6 2 Feb, c3 3 Feb, c5 8 Feb. Comparison [19 Jan, 2 Feb): c8 and c7 again.
		twoWeeks := analytics.Period{From: time.Date(2026, 1, 26, 0, 0, 0, 0, berlin), To: env.week.To}
		f := env.run(t, analytics.CustomersQuery{View: "acquisition", Bucket: "week", Comparison: analytics.Offset7Days}, twoWeeks)
		wantColumn(t, f, "new_customers", []any{int64(2), int64(3)})
		wantColumn(t, f, "first_order_revenue", []any{40.0, 90.0})
		wantColumn(t, f, "new_customers_previous", []any{int64(0), int64(2)})
		wantColumn(t, f, "first_order_revenue_previous", []any{0.0, 40.0})
	})

	t.Run("longer day than its comparison", func(t *testing.T) {
		// 25 Oct 2026 in Berlin has 25 hours (summer time ends), the day before 24: the last
		// hourly bucket has no previous one and its previous values are null.
		day := analytics.Period{From: time.Date(2026, 10, 25, 0, 0, 0, 0, berlin), To: time.Date(2026, 10, 26, 0, 0, 0, 0, berlin)}
		f := env.run(t, analytics.CustomersQuery{View: "acquisition", Bucket: "hour"}, day)
		if f.Rows() != 25 {
			t.Fatalf("%d buckets, want 25", f.Rows())
		}
		zeros, zeroMoney := make([]any, 25), make([]any, 25)
		for i := range zeros {
			zeros[i], zeroMoney[i] = int64(0), 0.0
		}
		wantColumn(t, f, "new_customers", zeros)
		wantColumn(t, f, "first_order_revenue", zeroMoney)
		zeros[24], zeroMoney[24] = nil, nil
		wantColumn(t, f, "new_customers_previous", zeros)
		wantColumn(t, f, "first_order_revenue_previous", zeroMoney)
	})

	t.Run("empty period", func(t *testing.T) {
		empty := analytics.Period{From: time.Date(2024, 1, 1, 0, 0, 0, 0, berlin), To: time.Date(2024, 1, 3, 0, 0, 0, 0, berlin)}
		f := env.run(t, analytics.CustomersQuery{View: "acquisition", Bucket: "day"}, empty)
		wantColumn(t, f, "new_customers", []any{int64(0), int64(0)})
		wantColumn(t, f, "first_order_revenue", []any{0.0, 0.0})
		wantColumn(t, f, "new_customers_previous", []any{int64(0), int64(0)})
		wantColumn(t, f, "first_order_revenue_previous", []any{0.0, 0.0})
	})
}

func TestCustomersSimultaneousFirstOrders(t *testing.T) {
	// A checkout split into two orders at the same instant: both are the first order, and the
	// customer has two orders (a repurchase, by the letter of the definition).
	db := fixtureSQL(t, `
INSERT INTO customers (customer_id, created_at) VALUES (1, '2025-01-01Z');
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total) VALUES
  (1, 1, '2026-02-03 10:00Z', true, 12),
  (2, 1, '2026-02-03 10:00Z', true, 8),
  (3, 1, '2026-02-03 11:00Z', true, 5);`)
	e := analytics.New(db, analytics.DefaultShop())
	p := analytics.Period{From: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 2, 9, 0, 0, 0, 0, time.UTC)}
	ctx := context.Background()
	frames, err := e.Customers(ctx, analytics.CustomersQuery{View: "acquisition", Bucket: "week", Comparison: analytics.NoComparison}, p, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantColumn(t, frames[0], "new_customers", []any{int64(1)})
	wantColumn(t, frames[0], "first_order_revenue", []any{20.0})
	frames, err = e.Customers(ctx, analytics.CustomersQuery{Comparison: analytics.NoComparison}, p, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantColumn(t, frames[0], "orders", []any{int64(3)})
	wantColumn(t, frames[0], "repurchase_rate", []any{1.0})
}

func TestCustomersBadInput(t *testing.T) {
	env := newCustomersEnv(t)
	week := env.week
	for name, tc := range map[string]struct {
		q    analytics.CustomersQuery
		p    analytics.Period
		want string
	}{
		"unknown view":       {analytics.CustomersQuery{View: "nope"}, week, "use summary, new_vs_existing or acquisition"},
		"unknown comparison": {analytics.CustomersQuery{Comparison: "yesterday"}, week, "use previous_period"},
		"comparison (view)":  {analytics.CustomersQuery{View: "new_vs_existing", Comparison: "yesterday"}, week, "use previous_period"},
		"comparison (trend)": {analytics.CustomersQuery{View: "acquisition", Comparison: "yesterday"}, week, "use previous_period"},
		"unknown bucket":     {analytics.CustomersQuery{View: "acquisition", Bucket: "fortnight"}, week, "use auto, hour, day, week or month"},
		"too many buckets":   {analytics.CustomersQuery{View: "acquisition", Bucket: "hour"}, analytics.Period{From: week.From.AddDate(-1, 0, 0), To: week.To}, "more than 5000 buckets"},
		"reversed range":     {analytics.CustomersQuery{}, analytics.Period{From: week.To, To: week.From}, "choose a range that ends after it starts"},
		"empty range":        {analytics.CustomersQuery{}, analytics.Period{From: week.From, To: week.From}, "empty or reversed"},
		"missing range":      {analytics.CustomersQuery{}, analytics.Period{}, "missing"},
	} {
		_, err := env.e.Customers(context.Background(), tc.q, tc.p, 0)
		if !analytics.IsQueryError(err) {
			t.Errorf("%s: want a query error, got %v", name, err)
			continue
		}
		if !contains(err.Error(), tc.want) {
			t.Errorf("%s: %q does not say %q", name, err, tc.want)
		}
	}
}
