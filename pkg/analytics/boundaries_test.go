package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// Orders exactly at a period's first instant, two at one instant, and one at its end, counted by
// hand for April 2026 (UTC; at risk 7 days, lapsed 14, look-back 365):
//
//	c1: 10 on 10 March, 20 at April's first instant, 30 on 10 April: repeat buyer, won back
//	    (22 days) and saved (9 days), second order in April
//	c2: 5 and 7 at April's first instant (one checkout split in two): gained, second order in
//	    April, new buyer
//	c3: 11 at 23:59 on 30 April, 13 at May's first instant: gained, new buyer, one order in April
//	c4: 50 on 15 January 2025 (before the look-back), 9 at April's first instant, plus an invalid
//	    100 there: new buyer, won back, second order in April
const boundariesFixture = `
INSERT INTO customers (customer_id, created_at) SELECT g, '2025-01-01Z' FROM generate_series(1, 4) g;
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total) VALUES
  (1, 1, '2026-03-10 12:00Z', true, 10),
  (2, 1, '2026-04-01 00:00Z', true, 20),
  (3, 1, '2026-04-10 00:00Z', true, 30),
  (4, 2, '2026-04-01 00:00Z', true, 5),
  (5, 2, '2026-04-01 00:00Z', true, 7),
  (6, 3, '2026-04-30 23:59Z', true, 11),
  (7, 3, '2026-05-01 00:00Z', true, 13),
  (8, 4, '2025-01-15 00:00Z', true, 50),
  (9, 4, '2026-04-01 00:00Z', true, 9),
  (10, 4, '2026-04-01 00:00Z', false, 100);
`

// The buyers, customer events and customer report figures of the hand-counted fixture, read from
// order_history and then from orders alone: the history form's shortcuts (a customer's only
// order of a period stands for them; their first order of it is the one whose previous order is
// before it) must hold at the period's first instant, where "before" is strict.
func TestPeriodBoundariesInBothForms(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, dsn, "SET search_path TO commerce;\n"+boundariesFixture)
	shop := analytics.DefaultShop()
	shop.AtRiskDays, shop.LapsedDays = 7, 14
	april := analytics.Period{From: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	day := 24 * time.Hour

	check := func(t *testing.T, history bool) {
		e, closeEngine := openEngine(t, dsn, "commerce", shop)
		defer closeEngine()
		one := func(frames data.Frames, err error) *data.Frame {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			f := frames[0]
			if got := readsHistoryTable.MatchString(f.Meta.ExecutedQueryString); got != history {
				t.Errorf("%s read order_history: %v, want %v", f.Name, got, history)
			}
			return f
		}

		f := one(e.CustomerEvents(ctx, analytics.EventsQuery{Comparison: analytics.NoComparison}, april, day))
		wantColumn(t, f, "customers", []any{int64(4), int64(2), int64(3), int64(2), int64(1)})

		// New c2 and c3, returning c1 and c4; nobody lapses in April (c1's March order lapses
		// on 24 March, c4's of 2025 in 2025).
		f = one(e.CustomerEvents(ctx, analytics.EventsQuery{View: analytics.EventsNewReturningLapsed, Comparison: analytics.NoComparison}, april, day))
		wantColumn(t, f, "group", []any{"New customers", "Returning customers", "Lapsed customers"})
		wantColumn(t, f, "customers", []any{int64(2), int64(2), int64(0)})

		f = one(e.Buyers(ctx, analytics.BuyersQuery{Comparison: analytics.NoComparison}, april, day))
		wantColumn(t, f, "group", []any{"New buyers", "Repeat buyers", "All buyers"})
		wantColumn(t, f, "buyers", []any{int64(3), int64(1), int64(4)})
		wantColumn(t, f, "revenue", []any{23.0 + 9, 50.0, 82.0})

		// Daily: on 1 April c2 and c4 are new (c4's order of 2025 is before that day's
		// look-back) and c1 repeat; on 10 April c1 is repeat again (their order of 1 April).
		f = one(e.Buyers(ctx, analytics.BuyersQuery{View: "trend", Bucket: "day", Comparison: analytics.NoComparison}, april, day))
		newBuyers, repeatBuyers := make([]any, 30), make([]any, 30)
		newRevenue, repeatRevenue := make([]any, 30), make([]any, 30)
		for i := range newBuyers {
			newBuyers[i], repeatBuyers[i], newRevenue[i], repeatRevenue[i] = int64(0), int64(0), 0.0, 0.0
		}
		newBuyers[0], newRevenue[0], repeatBuyers[0], repeatRevenue[0] = int64(2), 21.0, int64(1), 20.0
		repeatBuyers[9], repeatRevenue[9] = int64(1), 30.0
		newBuyers[29], newRevenue[29] = int64(1), 11.0
		wantColumn(t, f, "new_buyers", newBuyers)
		wantColumn(t, f, "repeat_buyers", repeatBuyers)
		wantColumn(t, f, "new_revenue", newRevenue)
		wantColumn(t, f, "repeat_revenue", repeatRevenue)

		f = one(e.Customers(ctx, analytics.CustomersQuery{Comparison: analytics.NoComparison}, april, day))
		for name, want := range map[string]any{
			"customers": int64(4), "new_customers": int64(2), "existing_customers": int64(2),
			"orders": int64(8), "revenue": 142.0, "repurchase_rate": 0.75,
			"orders_in_period": int64(6), "revenue_in_period": 82.0,
		} {
			wantColumn(t, f, name, []any{want})
		}
	}

	// The contract database comes with order_history kept by its triggers; without it the same
	// figures come from orders alone.
	t.Run("from order_history", func(t *testing.T) { check(t, true) })
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP TABLE commerce.order_history"); err != nil {
		t.Fatal(err)
	}
	t.Run("from orders", func(t *testing.T) { check(t, false) })
}

// The annual figures of the segment breakdown (valid orders and revenue of the 365 local days
// before as_of) at the year's first instant, in a New York shop, counted by hand. As of
// T = 1 July 2026 00:00 New York (04:00Z), the year starts on 1 July 2025 00:00 New York (04:00Z).
// One customer per gender, with leads so that the values sort by size:
//
//	c1 female: 10 on 30 June 2025, 20 exactly at the year's start, 30 on 1 August 2025:
//	           3 orders (60), annual 2 (50)
//	c2 male:   5 on 1 January 2025, 15 and 25 both at the year's start, plus an invalid 100 there:
//	           3 orders (45), annual 2 (40)
//	c3 other:  3 on 1 January 2024, 7 at 03:59:59Z on 1 July 2025 (in the year in UTC, not in
//	           New York): 2 orders (10), annual 0
//	c4 unknown: 100 on 1 June 2026, 50 one second before T, 999 at T (out): 2 orders (150), all in
//	           the year
const annualFixture = `
INSERT INTO customers (customer_id, created_at, gender) VALUES
  (1, '2024-01-01Z', 'female'), (2, '2024-01-01Z', 'male'), (3, '2023-01-01Z', 'other'), (4, '2026-01-01Z', NULL),
  (11, '2025-01-01Z', 'female'), (12, '2025-01-01Z', 'female'), (13, '2025-01-01Z', 'female'),
  (21, '2025-01-01Z', 'male'), (22, '2025-01-01Z', 'male'), (31, '2025-01-01Z', 'other');
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total) VALUES
  (1, 1, '2025-06-30 12:00Z', true, 10),
  (2, 1, '2025-07-01 04:00Z', true, 20),
  (3, 1, '2025-08-01 00:00Z', true, 30),
  (4, 2, '2025-01-01 00:00Z', true, 5),
  (5, 2, '2025-07-01 04:00Z', true, 15),
  (6, 2, '2025-07-01 04:00Z', true, 25),
  (7, 2, '2025-07-01 04:00Z', false, 100),
  (8, 3, '2024-01-01 00:00Z', true, 3),
  (9, 3, '2025-07-01 03:59:59Z', true, 7),
  (10, 4, '2026-06-01 00:00Z', true, 100),
  (11, 4, '2026-07-01 03:59:59Z', true, 50),
  (12, 4, '2026-07-01 04:00Z', true, 999);
`

func TestSegmentAnnualFiguresAtTheYearStart(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, dsn, "SET search_path TO commerce;\n"+annualFixture)
	shop := analytics.DefaultShop()
	shop.Location = mustLoc(t, "America/New_York")
	to := time.Date(2026, 7, 1, 0, 0, 0, 0, shop.Location)
	p := analytics.Period{From: to.AddDate(0, -1, 0), To: to}
	check := func(t *testing.T) {
		e := analytics.New(openDB(t, dsn), shop)
		f := first(t)(e.Segments(ctx, analytics.SegmentsQuery{Dimension: "gender"}, p))
		wantColumn(t, f, "gender", []any{"female", "male", "other", "unknown"})
		wantColumn(t, f, "orders", []any{int64(3), int64(3), int64(2), int64(2)})
		wantColumn(t, f, "orders_attempted", []any{int64(3), int64(4), int64(2), int64(2)})
		wantColumn(t, f, "revenue", []any{60.0, 45.0, 10.0, 150.0})
		wantColumn(t, f, "annual_orders", []any{2.0, 2.0, 0.0, 2.0})
		wantColumn(t, f, "annual_revenue", []any{50.0, 40.0, 0.0, 150.0})
		// A dimension read from the scores joins them to the contacts (dimensions.tmpl.sql,
		// Ranked): the same totals over its values.
		for _, dim := range []string{"persona", "recency_score"} {
			f := first(t)(e.Segments(ctx, analytics.SegmentsQuery{Dimension: dim}, p))
			if got := sumFloats(f, "annual_orders"); got != 6 {
				t.Errorf("%s: annual orders over all values = %v, want 6", dim, got)
			}
			if got := sumFloats(f, "annual_revenue"); got != 240 {
				t.Errorf("%s: annual revenue over all values = %v, want 240", dim, got)
			}
		}
	}
	// The contract database keeps order_history by its triggers; without it the same figures come
	// from orders alone.
	t.Run("from order_history", check)
	pgtest.Exec(t, dsn, "DROP TABLE commerce.order_history")
	t.Run("from orders", check)
}
