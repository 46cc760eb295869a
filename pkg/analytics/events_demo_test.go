package analytics_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// Customer events on a 3k-customer demo shop (UTC, default thresholds 182 and 385 days), checked
// for the properties every shop must have and against independent SQL written here: a window over
// each customer's whole history, where the engine probes only the history before the period.
func TestCustomerEventsDemoShop(t *testing.T) {
	dsn := pgtest.WithDatabase(pgtest.AdminDSN(t), pgtest.DemoTemplate(t, 3000, nil))
	db := openDB(t, dsn)
	e := analytics.New(db, analytics.DefaultShop())
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	end := pgtest.DemoEnd
	// A quarter: long enough for customers to come back, lapse or be saved in it.
	quarter := analytics.Period{From: end.AddDate(0, -3, 0), To: end}

	summary := first(t)(e.CustomerEvents(ctx, analytics.EventsQuery{Comparison: analytics.NoComparison}, quarter, 0))
	count := func(row int) int64 { return summary.Fields[1].At(row).(int64) }
	unique, gained, second, wonBack, saved := count(0), count(1), count(2), count(3), count(4)
	if gained < 20 || second < 20 || wonBack < 3 || saved < 10 {
		t.Fatalf("the demo shop's quarter is too thin to test: %d %d %d %d %d", unique, gained, second, wonBack, saved)
	}

	t.Run("counts are subsets of the period's customers", func(t *testing.T) {
		for name, n := range map[string]int64{"gained": gained, "second orders": second, "won back": wonBack, "saved": saved} {
			if n > unique {
				t.Errorf("%s %d > unique customers %d", name, n, unique)
			}
		}
	})

	t.Run("against a window over all history", func(t *testing.T) {
		// Every valid order with its rank and previous order over the customer's whole history;
		// gaps in exact 24-hour days.
		const history = `
WITH ranked AS (
  SELECT customer_id, placed_at, order_id, total,
         row_number() OVER w AS n,
         lag(placed_at) OVER w AS prev
  FROM commerce.orders
  WHERE is_valid
  WINDOW w AS (PARTITION BY customer_id ORDER BY placed_at, order_id)
)
SELECT count(DISTINCT customer_id),
       count(DISTINCT customer_id) FILTER (WHERE n = 1),
       count(DISTINCT customer_id) FILTER (WHERE n = 2),
       count(DISTINCT customer_id) FILTER (WHERE placed_at - prev >= interval '1 hour' * 24 * 385),
       count(DISTINCT customer_id) FILTER (WHERE placed_at - prev >= interval '1 hour' * 24 * 182
                                             AND placed_at - prev < interval '1 hour' * 24 * 385)
FROM ranked
WHERE placed_at >= $1 AND placed_at < $2`
		var want [5]int64
		if err := conn.QueryRow(ctx, history, quarter.From, quarter.To).Scan(&want[0], &want[1], &want[2], &want[3], &want[4]); err != nil {
			t.Fatal(err)
		}
		wantColumn(t, summary, "customers", eventCounts(want[:]...))
	})

	t.Run("new + returning = unique, and lapsed against independent SQL", func(t *testing.T) {
		f := first(t)(e.CustomerEvents(ctx, analytics.EventsQuery{View: "new_returning_lapsed", Comparison: analytics.NoComparison}, quarter, 0))
		newC, returning, lapsed := f.Fields[1].At(0).(int64), f.Fields[1].At(1).(int64), f.Fields[1].At(2).(int64)
		wantEqual(t, "new customers", newC, gained)
		wantEqual(t, "new + returning", newC+returning, unique)
		// Lapsed, formulated from the definition: the customer's last valid order before the
		// period's end is before its start, and 385 days of 24 hours after it lies in the period.
		var want int64
		if err := conn.QueryRow(ctx, `
SELECT count(*) FROM (
  SELECT customer_id, max(placed_at) AS last_order
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2
  GROUP BY customer_id
) c
WHERE c.last_order < $1
  AND c.last_order + interval '1 hour' * 24 * 385 >= $1
  AND c.last_order + interval '1 hour' * 24 * 385 < $2`, quarter.From, quarter.To).Scan(&want); err != nil {
			t.Fatal(err)
		}
		wantEqual(t, "lapsed", lapsed, want)
		if lapsed == 0 {
			t.Error("no lapsed customers in the quarter: the check is empty")
		}
	})

	t.Run("gained and second orders add up over the trend's buckets", func(t *testing.T) {
		f := first(t)(e.CustomerEvents(ctx, analytics.EventsQuery{View: "trend", Bucket: "week", Comparison: analytics.NoComparison}, quarter, 0))
		sum := func(name string) int64 {
			field, _ := f.FieldByName(name)
			var n int64
			for i := 0; i < field.Len(); i++ {
				n += field.At(i).(int64)
			}
			return n
		}
		wantEqual(t, "gained over buckets", sum("customers_gained"), gained)
		wantEqual(t, "second orders over buckets", sum("second_orders"), second)
		if u := sum("unique_customers"); u < unique {
			t.Errorf("unique customers over buckets %d < the quarter's %d", u, unique)
		}
	})

	t.Run("first orders by store add up to the gained customers and their revenue", func(t *testing.T) {
		f := first(t)(e.CustomerEvents(ctx, analytics.EventsQuery{View: "orders", Event: "customers_gained", GroupBy: "store", TopN: 1000}, quarter, 0))
		var customers int64
		var revenue float64
		for i := 0; i < f.Rows(); i++ {
			customers += f.Fields[2].At(i).(int64)
			revenue += f.Fields[3].At(i).(float64)
		}
		var wantN int64
		var wantRevenue float64
		if err := conn.QueryRow(ctx, `
SELECT count(*), coalesce(sum(total), 0)::float8
FROM (
  SELECT DISTINCT ON (customer_id) customer_id, placed_at, total
  FROM commerce.orders
  WHERE is_valid
  ORDER BY customer_id, placed_at, order_id
) first_orders
WHERE placed_at >= $1 AND placed_at < $2`, quarter.From, quarter.To).Scan(&wantN, &wantRevenue); err != nil {
			t.Fatal(err)
		}
		// Each gained customer has one first order, in one store.
		wantEqual(t, "customers over stores", customers, wantN)
		wantEqual(t, "gained", gained, wantN)
		wantClose(t, "first orders' revenue", revenue, wantRevenue)
	})

	t.Run("won back orders by product: revenue of their lines", func(t *testing.T) {
		f := first(t)(e.CustomerEvents(ctx, analytics.EventsQuery{View: "orders", Event: "won_back", TopN: 1000}, quarter, 0))
		var revenue float64
		for i := 0; i < f.Rows(); i++ {
			revenue += f.Fields[4].At(i).(float64)
		}
		var want float64
		if err := conn.QueryRow(ctx, `
WITH ranked AS (
  SELECT order_id, placed_at, lag(placed_at) OVER (PARTITION BY customer_id ORDER BY placed_at, order_id) AS prev
  FROM commerce.orders
  WHERE is_valid
)
SELECT coalesce(sum(i.quantity * i.unit_price), 0)::float8
FROM ranked r
JOIN commerce.order_items i USING (order_id)
WHERE r.placed_at >= $1 AND r.placed_at < $2 AND r.placed_at - r.prev >= interval '1 hour' * 24 * 385`, quarter.From, quarter.To).Scan(&want); err != nil {
			t.Fatal(err)
		}
		wantClose(t, "won back line revenue", revenue, want)
	})
}
