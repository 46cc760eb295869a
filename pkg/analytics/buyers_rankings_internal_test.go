package analytics

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// The products ranking may bound the order lines it reads by the period's order ids
// (narrowOrderIDs). The bound is a hint to the planner: the ranking must be the same with it and
// without it, in both forms of the statement, and it is only given when the ids are integers that
// grow with time.
func TestProductsOrderIDRange(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabaseFrom(t, pgtest.DemoTemplate(t, 3000, nil))
	db := pgtest.OpenDB(t, dsn)
	e := New(db, DefaultShop())
	defer e.Close()
	end := pgtest.DemoEnd
	for _, p := range []Period{
		{From: end.AddDate(0, -1, 0), To: end},
		{From: end.AddDate(0, 0, -1), To: end},
		{From: end, To: end.AddDate(0, 1, 0)}, // no orders: no range, and no rows
	} {
		t.Run(p.From.Format("2006-01-02")+"/"+p.To.Sub(p.From).String(), func(t *testing.T) {
			var want struct{ lo, hi *int64 }
			err := db.Read(ctx, func(tx database.Tx) error {
				return tx.QueryRow(ctx, `SELECT min(order_id + 0), max(order_id + 0) FROM orders WHERE is_valid AND placed_at >= $1 AND placed_at < $2`, p.From, p.To).Scan(&want.lo, &want.hi)
			})
			if err != nil {
				t.Fatal(err)
			}
			var r orderIDRange
			if err := db.Read(ctx, func(tx database.Tx) (err error) { r, err = narrowOrderIDs(ctx, tx, p); return }); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(r.lo, want.lo) || !reflect.DeepEqual(r.hi, want.hi) {
				t.Fatalf("range %v..%v, want the period's ids %v..%v", deref(r.lo), deref(r.hi), deref(want.lo), deref(want.hi))
			}
			for _, form := range []struct{ name, sql string }{{"history", buyersProductsSQL.history}, {"probe", buyersProductsSQL.probe}} {
				for _, by := range []string{"all", "new", "repeat"} {
					with := productRows(t, db, form.sql, p, e.lookback(p.From), by, r)
					without := productRows(t, db, form.sql, p, e.lookback(p.From), by, orderIDRange{})
					if !reflect.DeepEqual(with, without) {
						t.Errorf("%s form, rank by %s: with the id range\n%v\nwithout\n%v", form.name, by, with, without)
					}
					if p.From.Before(end) && len(with) == 0 {
						t.Errorf("%s form, rank by %s: no products in a period with orders", form.name, by)
					}
				}
			}
		})
	}
}

// The range is not given where it would not hold the period's lines in a small part of the
// index: ids in no time order, ids that are not integers, a table never analysed.
func TestProductsOrderIDRangeNotGiven(t *testing.T) {
	ctx := context.Background()
	fixture := func(ids string) string {
		// Twelve orders, one a month of 2026 (the period below holds the last two); their ids
		// are given by ids (n is the month).
		return fmt.Sprintf(`
INSERT INTO customers (customer_id, created_at) VALUES (1, '2025-01-01Z');
INSERT INTO products (product_id, name, category) VALUES (7, 'P', 'C');
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total)
SELECT %[1]s, 1, make_timestamptz(2026, n, 15, 12, 0, 0, 'UTC'), true, 10 FROM generate_series(1, 12) AS n;
INSERT INTO order_items (order_id, product_id, quantity, unit_price)
SELECT %[1]s, 7, 1, 10 FROM generate_series(1, 12) AS n;
`, ids)
	}
	p := Period{From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}
	halfYear := Period{From: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), To: p.To}
	for _, c := range []struct {
		name, ids, after string
		given            bool
		period           *Period
	}{
		// The period's ids are 11 and 12 of 1..12: a tenth of the span.
		{"in time order", "n", "ANALYZE orders;", true, nil},
		{"never analysed", "n", "", false, nil},
		// June to December, over half of the sampled time: not scanned for its ids, though
		// they (1006..1012 of 1..1012) would be narrow.
		{"long period", "CASE WHEN n >= 6 THEN 1000 + n ELSE n END", "ANALYZE orders;", false, &halfYear},
		// Ids 7, 1, 8, 2, ... 12, 6: the period's are 12 and 6, over half of the span.
		{"no time order", "(n * 7) % 13", "ANALYZE orders;", false, nil},
		{"text ids", "n", "ALTER TABLE order_items DROP CONSTRAINT IF EXISTS order_items_order_id_fkey; ALTER TABLE orders ALTER COLUMN order_id TYPE text; ALTER TABLE order_items ALTER COLUMN order_id TYPE text; ANALYZE orders;", false, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			dsn := pgtest.NewContractDatabase(t)
			pgtest.Exec(t, dsn, "SET search_path TO commerce;\n"+fixture(c.ids)+c.after)
			db := pgtest.OpenDB(t, dsn)
			q := p
			if c.period != nil {
				q = *c.period
			}
			var r orderIDRange
			if err := db.Read(ctx, func(tx database.Tx) (err error) { r, err = narrowOrderIDs(ctx, tx, q); return }); err != nil {
				t.Fatal(err)
			}
			if (r.lo != nil) != c.given {
				t.Fatalf("range %v..%v: given %v, want %v", deref(r.lo), deref(r.hi), r.lo != nil, c.given)
			}
		})
	}
}

func productRows(t *testing.T, db *database.DB, sql string, p Period, lookback any, by string, r orderIDRange) [][]any {
	t.Helper()
	var out [][]any
	err := db.Read(context.Background(), func(tx database.Tx) error {
		if r.lo != nil {
			if _, err := tx.Exec(context.Background(), "SET LOCAL max_parallel_workers_per_gather = 0"); err != nil {
				return err
			}
		}
		rows, err := tx.Query(context.Background(), sql, p.From, p.To, lookback, by, 1000, r.lo, r.hi)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) ([]any, error) { return row.Values() })
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}
