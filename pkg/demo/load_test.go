package demo_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/demo"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// These tests load shops into a real PostgreSQL: a fresh database per test from pgtest (the
// server named by CA_TEST_DSN, or one pgtest starts). They live in package demo_test because
// pgtest itself builds demo shops.

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var tableNames = []string{"products", "accounts", "content", "customers", "orders", "order_items", "follows", "content_views", "email_events"}

// testConfig is a small shop: big enough for every shape to show, small enough for seconds.
func testConfig(t testing.TB) demo.Config {
	t.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return demo.Config{Customers: 2000, Seed: 7, End: time.Date(2026, 11, 23, 0, 0, 0, 0, berlin), TimeZone: berlin}
}

// loadTestShop loads cfg into a fresh database and returns a connection to it.
func loadTestShop(t *testing.T, cfg demo.Config) (*pgx.Conn, demo.Stats) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	var progress strings.Builder
	stats, err := demo.Load(ctx, conn, cfg, &progress)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded %d rows in %s\n%s", stats.TotalRows(), stats.Elapsed, progress.String())
	return conn, stats
}

func TestLoadShapes(t *testing.T) {
	cfg := testConfig(t)
	conn, stats := loadTestShop(t, cfg)
	ctx := context.Background()

	var searchPath string
	if err := conn.QueryRow(ctx, "SHOW search_path").Scan(&searchPath); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(searchPath, "commerce") {
		t.Errorf("Load left search_path at %q", searchPath)
	}
	if len(stats.Tables) != len(tableNames) {
		t.Errorf("Stats lists %d tables, want %d", len(stats.Tables), len(tableNames))
	}
	for _, name := range tableNames {
		var n int64
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM commerce."+name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 || n != stats.Rows(name) {
			t.Errorf("%s: %d rows in the database, %d in Stats", name, n, stats.Rows(name))
		}
	}
	start := cfg.End.AddDate(-3, 0, 0)

	// Each check is a query returning one number that must lie in [min, max].
	checks := []struct {
		name     string
		sql      string
		min, max float64
	}{
		{"invalid order share", `SELECT avg((NOT is_valid)::int) FROM orders`, 0.03, 0.07},
		{"orders per contact", `SELECT (SELECT count(*) FROM orders)::float8 / count(*) FROM customers`, 7, 13},
		{"lead share", `SELECT avg((NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.customer_id AND o.is_valid))::int) FROM customers c`, 0.10, 0.25},
		{"unknown birth year", `SELECT avg((birth_year IS NULL)::int) FROM customers`, 0.08, 0.16},
		{"unknown gender", `SELECT avg((gender IS NULL)::int) FROM customers`, 0.02, 0.09},
		{"unknown country", `SELECT avg((country IS NULL)::int) FROM customers`, 0.01, 0.06},
		{"unknown device price", `SELECT avg((device_price IS NULL)::int) FROM customers`, 0.06, 0.14},
		{"unknown email opt-in", `SELECT avg((email_opt_in IS NULL)::int) FROM customers`, 0.02, 0.09},
		{"ages 16-80 at the end", `SELECT count(*) FROM customers WHERE @end_year::int - birth_year NOT BETWEEN 16 AND 80`, 0, 0},
		{"followers", `SELECT count(DISTINCT customer_id)::float8 / (SELECT count(*) FROM customers) FROM follows`, 0.3, 0.5},
		{"customers who re-followed", `SELECT count(*) FROM (SELECT 1 FROM follows GROUP BY account_id, customer_id HAVING count(*) > 1) x`, 5, math.Inf(1)},
		{"ended follows", `SELECT avg((unfollowed_at IS NOT NULL)::int) FROM follows`, 0.1, 0.3},
		{"overlapping follow episodes", `SELECT count(*) FROM follows a JOIN follows b USING (account_id, customer_id)
			WHERE a.followed_at < b.followed_at AND (a.unfollowed_at IS NULL OR a.unfollowed_at > b.followed_at)`, 0, 0},
		{"follows ending before they start", `SELECT count(*) FROM follows WHERE unfollowed_at <= followed_at`, 0, 0},
		{"order content not published before the order", `SELECT count(*) FROM orders o LEFT JOIN content c USING (content_id)
			WHERE o.content_id IS NOT NULL AND (c.content_id IS NULL OR c.published_at >= o.placed_at OR c.kind <> o.channel)`, 0, 0},
		{"live and video orders without content", `SELECT count(*) FROM orders WHERE channel IN ('live', 'video') AND content_id IS NULL
			OR channel NOT IN ('live', 'video') AND content_id IS NOT NULL`, 0, 0},
		{"follow content not of the account or not before the follow", `SELECT count(*) FROM follows f LEFT JOIN content c USING (content_id)
			WHERE f.content_id IS NOT NULL AND (c.content_id IS NULL OR c.published_at >= f.followed_at OR c.account_id <> f.account_id OR c.kind <> f.source)`, 0, 0},
		{"view content not published before the view", `SELECT count(*) FROM content_views v LEFT JOIN content c USING (content_id)
			WHERE c.content_id IS NULL OR c.published_at >= v.viewed_at`, 0, 0},
		{"views per contact", `SELECT (SELECT count(*) FROM content_views)::float8 / count(*) FROM customers`, 1, 6},
		{"orders whose total is not the sum of their items", `SELECT count(*) FROM orders o
			LEFT JOIN (SELECT order_id, sum(quantity * unit_price) s FROM order_items GROUP BY 1) i USING (order_id)
			WHERE i.s IS DISTINCT FROM o.total`, 0, 0},
		{"items of unknown orders or products", `SELECT count(*) FROM order_items i
			WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = i.order_id)
			   OR NOT EXISTS (SELECT 1 FROM products p WHERE p.product_id = i.product_id)`, 0, 0},
		{"orders before their customer", `SELECT count(*) FROM orders o JOIN customers c USING (customer_id) WHERE o.placed_at < c.created_at`, 0, 0},
		{"orders whose id is out of time order", `SELECT count(*) FROM (
			SELECT placed_at, lag(placed_at) OVER (ORDER BY order_id) AS before FROM orders) o WHERE placed_at < before`, 0, 0},
		{"orders of unknown customers", `SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = o.customer_id)`, 0, 0},
		{"coupon share", `SELECT avg((coupon_code IS NOT NULL)::int) FROM orders`, 0.08, 0.22},
		{"times outside the history", `SELECT count(*) FROM (
			SELECT created_at t FROM customers UNION ALL SELECT placed_at FROM orders UNION ALL SELECT published_at FROM content
			UNION ALL SELECT followed_at FROM follows UNION ALL SELECT unfollowed_at FROM follows WHERE unfollowed_at IS NOT NULL
			UNION ALL SELECT viewed_at FROM content_views UNION ALL SELECT occurred_at FROM email_events) x
			WHERE t < @start OR t >= @end`, 0, 0},
		{"email to contacts not opted in", `SELECT count(*) FROM email_events e JOIN customers c USING (customer_id) WHERE c.email_opt_in IS NOT TRUE`, 0, 0},
		{"opens without an earlier send", `SELECT count(*) FROM email_events o WHERE kind = 'open' AND NOT EXISTS (
			SELECT 1 FROM email_events s WHERE s.customer_id = o.customer_id AND s.kind = 'sent' AND s.occurred_at < o.occurred_at)`, 0, 0},
		{"clicks without an earlier open", `SELECT count(*) FROM email_events c WHERE kind = 'click' AND NOT EXISTS (
			SELECT 1 FROM email_events o WHERE o.customer_id = c.customer_id AND o.kind = 'open' AND o.occurred_at < c.occurred_at)`, 0, 0},
		{"email kinds", `SELECT count(DISTINCT kind) FROM email_events`, 3, 3},
		{"November/December share of valid orders in the last full year", `SELECT avg((extract(month FROM placed_at AT TIME ZONE 'Europe/Berlin') IN (11, 12))::int)
			FROM orders WHERE is_valid AND placed_at >= @end::timestamptz - interval '13 months' AND placed_at < @end::timestamptz - interval '1 month'`, 0.19, 0.35},
		{"share of orders placed between 02:00 and 06:00", `SELECT avg((extract(hour FROM placed_at AT TIME ZONE 'Europe/Berlin') BETWEEN 2 AND 5)::int) FROM orders`, 0.005, 0.05},
		{"channels", `SELECT count(DISTINCT coalesce(channel, '-')) FROM orders`, 6, 6},
		{"stores", `SELECT count(DISTINCT store_id) FROM orders`, 3, 10},
		{"product categories", `SELECT count(DISTINCT category) FROM products`, 6, 6},
		{"products", `SELECT count(*) FROM products`, 300, 500},
		{"products without attributes", `SELECT count(*) FROM products WHERE attributes = '{}'`, 0, 0},
		{"official accounts", `SELECT count(*) FROM accounts WHERE kind = 'official'`, 1, 1},
		{"channel accounts", `SELECT count(*) FROM accounts WHERE kind = 'channel'`, 4, 4},
		{"LIVEs per day", `SELECT count(*) / 1096.0 FROM content WHERE kind = 'live'`, 0.7, 1.3},
		{"videos per day", `SELECT count(*) / 1096.0 FROM content WHERE kind = 'video'`, 3, 8},
	}
	args := pgx.NamedArgs{"end": cfg.End, "end_year": cfg.End.Year(), "start": start}
	for _, c := range checks {
		var got float64
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SET LOCAL search_path TO commerce"); err != nil {
				return err
			}
			return tx.QueryRow(ctx, c.sql, args).Scan(&got)
		})
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got < c.min || got > c.max {
			t.Errorf("%s: %v, want between %v and %v", c.name, got, c.min, c.max)
		} else {
			t.Logf("%s: %.4g", c.name, got)
		}
	}
}

// TestLoadIsDeterministic loads the same shop into two databases and compares every table.
func TestLoadIsDeterministic(t *testing.T) {
	cfg := testConfig(t)
	cfg.Customers = 1000
	a, _ := loadTestShop(t, cfg)
	b, _ := loadTestShop(t, cfg)
	ctx := context.Background()
	for _, name := range tableNames {
		q := fmt.Sprintf("SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM commerce.%s t", name)
		var na, nb int64
		var ha, hb string
		if err := a.QueryRow(ctx, q).Scan(&na, &ha); err != nil {
			t.Fatal(err)
		}
		if err := b.QueryRow(ctx, q).Scan(&nb, &hb); err != nil {
			t.Fatal(err)
		}
		if na != nb || ha != hb {
			t.Errorf("%s: %d rows (md5 %s) vs %d rows (md5 %s)", name, na, ha, nb, hb)
		}
	}
}

// TestLoadLeavesVisibilityMapComplete: after Load every page of every table is all-visible, so
// index-only scans read no heap pages. The test servers commit asynchronously (pgserver); before
// Load committed synchronously, its VACUUM ran before the commit was flushed and left most pages
// unmarked.
func TestLoadLeavesVisibilityMapComplete(t *testing.T) {
	cfg := testConfig(t)
	cfg.Customers = 1000
	conn, _ := loadTestShop(t, cfg)
	rows, err := conn.Query(context.Background(), `SELECT c.relname::text, c.relpages, c.relallvisible FROM pg_class c
		WHERE c.relnamespace = 'commerce'::regnamespace AND c.relkind = 'r' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var name string
		var pages, visible int32
		if err := rows.Scan(&name, &pages, &visible); err != nil {
			t.Fatal(err)
		}
		n++
		if visible != pages {
			t.Errorf("%s: %d of %d pages all-visible", name, visible, pages)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < len(tableNames) {
		t.Errorf("%d tables in commerce, want at least %d", n, len(tableNames))
	}
}

// TestVacuumSchemaAfterRolledBackWrite: a write rolled back clears the visibility bits of the
// pages it touched while pg_class.relallvisible still says every page is all-visible, so only a
// VACUUM of every table (VacuumSchema, for a reused bench shop) makes index-only scans read no
// heap pages again.
func TestVacuumSchemaAfterRolledBackWrite(t *testing.T) {
	cfg := testConfig(t)
	cfg.Customers = 1000
	conn, _ := loadTestShop(t, cfg)
	ctx := context.Background()
	if got := heapFetches(t, conn); got != 0 {
		t.Fatalf("after Load: %d heap fetches in an index-only scan of orders, want 0", got)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, "DELETE FROM commerce.orders"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if got := heapFetches(t, conn); got == 0 {
		t.Fatal("after a rolled-back DELETE: no heap fetches; the test no longer shows what VacuumSchema is for")
	}
	var stale bool
	if err := conn.QueryRow(ctx, "SELECT relallvisible = relpages FROM pg_class WHERE oid = 'commerce.orders'::regclass").Scan(&stale); err != nil {
		t.Fatal(err)
	}
	t.Logf("after the rollback, pg_class says every page of orders is all-visible: %v", stale)
	var progress strings.Builder
	if err := demo.VacuumSchema(ctx, conn, &progress); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(progress.String(), "commerce.orders") {
		t.Errorf("progress %q does not name commerce.orders", progress.String())
	}
	if got := heapFetches(t, conn); got != 0 {
		t.Errorf("after VacuumSchema: %d heap fetches, want 0", got)
	}
}

// heapFetches is the heap pages an index-only count of orders reads (EXPLAIN ANALYZE).
func heapFetches(t *testing.T, conn *pgx.Conn) int64 {
	t.Helper()
	ctx := context.Background()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read only
	if _, err := tx.Exec(ctx, "SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off"); err != nil {
		t.Fatal(err)
	}
	var plan []map[string]any
	if err := tx.QueryRow(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM commerce.orders").Scan(&plan); err != nil {
		t.Fatal(err)
	}
	var sum func(n map[string]any) (int64, bool)
	sum = func(n map[string]any) (int64, bool) {
		var total int64
		found := n["Node Type"] == "Index Only Scan"
		if v, ok := n["Heap Fetches"].(float64); ok {
			total += int64(v)
		}
		children, _ := n["Plans"].([]any)
		for _, c := range children {
			if m, ok := c.(map[string]any); ok {
				s, f := sum(m)
				total += s
				found = found || f
			}
		}
		return total, found
	}
	root, _ := plan[0]["Plan"].(map[string]any)
	total, found := sum(root)
	if !found {
		t.Fatalf("the count of orders is not an index-only scan: %v", plan)
	}
	return total
}

// TestLoadIsAllOrNothing loads twice into one database: the second load must fail on the
// existing tables and leave the first shop untouched.
func TestLoadIsAllOrNothing(t *testing.T) {
	cfg := testConfig(t)
	cfg.Customers = 200
	conn, stats := loadTestShop(t, cfg)
	ctx := context.Background()
	cfg.Seed++
	if _, err := demo.Load(ctx, conn, cfg, nil); err == nil {
		t.Fatal("a second load into the same schema succeeded")
	}
	var n int64
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM commerce.orders").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != stats.Rows("orders") {
		t.Errorf("orders: %d after the failed load, %d before", n, stats.Rows("orders"))
	}
}
