package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// Properties of the customer report that must hold on any shop, checked on a 3k-customer demo
// shop against independent SQL written here (not the engine's statements).
func TestCustomersDemoShopProperties(t *testing.T) {
	dsn := pgtest.WithDatabase(pgtest.AdminDSN(t), pgtest.DemoTemplate(t, 3000, nil))
	e := analytics.New(openDB(t, dsn), analytics.DefaultShop())
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	scalar := func(sql string, args ...any) float64 {
		t.Helper()
		var v float64
		if err := conn.QueryRow(ctx, sql, args...).Scan(&v); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		return v
	}
	end := pgtest.DemoEnd
	for _, p := range []analytics.Period{
		{From: end.AddDate(0, 0, -7), To: end},
		{From: end.AddDate(0, -1, 0), To: end},
		{From: end.AddDate(-1, 0, 0), To: end.AddDate(0, -3, 0)},
	} {
		t.Run(p.String(), func(t *testing.T) {
			s := first(t)(e.Customers(ctx, analytics.CustomersQuery{Comparison: analytics.NoComparison}, p, 0))
			get := func(name string) any {
				t.Helper()
				f, _ := s.FieldByName(name)
				if f == nil {
					t.Fatalf("field %s missing", name)
				}
				return f.At(0)
			}
			customers := get("customers").(int64)
			newC := get("new_customers").(int64)
			if customers < 50 || newC < 5 || customers-newC < 5 {
				t.Fatalf("the demo shop's period is too thin to test: %d customers, %d new", customers, newC)
			}
			wantEqual(t, "new + existing customers", newC+get("existing_customers").(int64), customers)

			// Independently: the scope as a set, its history by a plain join, new customers as
			// those whose earliest valid order ever falls in the period.
			wantEqual(t, "customers", customers, int64(scalar(`
SELECT count(DISTINCT customer_id) FROM commerce.orders WHERE is_valid AND placed_at >= $1 AND placed_at < $2`, p.From, p.To)))
			wantEqual(t, "new customers", newC, int64(scalar(`
SELECT count(*) FROM (
  SELECT customer_id FROM commerce.orders WHERE is_valid GROUP BY customer_id
  HAVING min(placed_at) >= $1 AND min(placed_at) < $2
) x`, p.From, p.To)))
			history := `
FROM commerce.orders h
WHERE h.is_valid AND h.placed_at < $2
  AND h.customer_id IN (SELECT customer_id FROM commerce.orders WHERE is_valid AND placed_at >= $1 AND placed_at < $2)`
			wantEqual(t, "orders", get("orders"), int64(scalar(`SELECT count(*) `+history, p.From, p.To)))
			wantClose(t, "revenue", get("revenue").(float64), scalar(`SELECT sum(h.total)::float8 `+history, p.From, p.To))
			wantEqual(t, "repurchasers", int64(*get("repurchase_rate").(*float64)*float64(customers)+0.5), int64(scalar(`
SELECT count(*) FROM (SELECT h.customer_id `+history+` GROUP BY h.customer_id HAVING count(*) >= 2) x`, p.From, p.To)))
			wantEqual(t, "orders in period", get("orders_in_period"), int64(scalar(`
SELECT count(*) FROM commerce.orders WHERE is_valid AND placed_at >= $1 AND placed_at < $2`, p.From, p.To)))
			wantClose(t, "revenue in period", get("revenue_in_period").(float64), scalar(`
SELECT sum(total)::float8 FROM commerce.orders WHERE is_valid AND placed_at >= $1 AND placed_at < $2`, p.From, p.To))

			// The new-vs-existing rows agree with the summary and add up.
			nv := first(t)(e.Customers(ctx, analytics.CustomersQuery{View: "new_vs_existing", Comparison: analytics.NoComparison}, p, 0))
			wantColumn(t, nv, "customers", []any{newC, customers - newC, customers})
			ord, _ := nv.FieldByName("orders_in_period")
			wantEqual(t, "new + existing orders in period", ord.At(0).(int64)+ord.At(1).(int64), get("orders_in_period"))
			rev, _ := nv.FieldByName("revenue_in_period")
			wantClose(t, "all revenue in period", rev.At(2).(float64), get("revenue_in_period").(float64))
			sumShares(t, nv, "customer_share", 2)
			sumShares(t, nv, "revenue_share", 2)

			// New customers are additive: the acquisition trend's buckets sum to the period's, and
			// their first-order revenue is at most the new customers' revenue in the period.
			for _, bucket := range []string{"day", "week"} {
				tr := first(t)(e.Customers(ctx, analytics.CustomersQuery{View: "acquisition", Bucket: bucket}, p, 0))
				n, _ := tr.FieldByName("new_customers")
				fr, _ := tr.FieldByName("first_order_revenue")
				var sum int64
				var firstRev float64
				for i := 0; i < tr.Rows(); i++ {
					sum += n.At(i).(int64)
					firstRev += fr.At(i).(float64)
				}
				wantEqual(t, bucket+" acquisition sum", sum, newC)
				wantClose(t, bucket+" first-order revenue", firstRev, scalar(`
SELECT coalesce(sum(o.total), 0)::float8
FROM commerce.orders o
JOIN (SELECT customer_id, min(placed_at) AS first_at FROM commerce.orders WHERE is_valid GROUP BY customer_id) f
  ON f.customer_id = o.customer_id AND o.placed_at = f.first_at
WHERE o.is_valid AND f.first_at >= $1 AND f.first_at < $2`, p.From, p.To))
				if newRev := rev.At(0).(float64); firstRev > newRev+0.005 {
					t.Errorf("%s: first-order revenue %.2f above the new customers' revenue %.2f", bucket, firstRev, newRev)
				}
			}
		})
	}

	t.Run("previous values are the previous period's own", func(t *testing.T) {
		week := analytics.Period{From: end.AddDate(0, 0, -7), To: end}
		before := analytics.Period{From: end.AddDate(0, 0, -14), To: week.From}
		cur := first(t)(e.Customers(ctx, analytics.CustomersQuery{}, week, 24*time.Hour))
		prev := first(t)(e.Customers(ctx, analytics.CustomersQuery{Comparison: analytics.NoComparison}, before, 0))
		for _, name := range []string{"customers", "new_customers", "orders", "revenue", "aov", "repurchase_rate", "revenue_in_period"} {
			p, _ := prev.FieldByName(name)
			want := p.At(0)
			if r, ok := want.(*float64); ok {
				want = *r
			}
			wantColumn(t, cur, name+"_previous", []any{want})
		}
	})
}
