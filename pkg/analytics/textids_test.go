package analytics_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// SPEC §2: ids may be of any type that compares with =. The same demo shop with every id column
// as text must give the same figures as with bigint ids, for every query type. The views compared
// are those whose rows do not depend on how ids sort (rankings and quantile ties break by id, and
// '10' < '9' as text). The text-id copy has no order_history, so this also compares the buyers
// statements' probe form (text ids) with their history form (the integer shop's).
func TestTextIDsGiveTheSameFigures(t *testing.T) {
	ctx := context.Background()
	dsn, conn := demoCopy(t)
	// The integer shop moves to schema "intids"; "commerce" gets the same rows with text ids, and
	// the contract's indexes.
	ddl := []string{
		`ALTER SCHEMA commerce RENAME TO intids`,
		`CREATE SCHEMA commerce`,
		`CREATE TABLE commerce.customers AS SELECT customer_id::text AS customer_id, created_at, birth_year, gender, country, region, city, device_price, email_opt_in FROM intids.customers`,
		`CREATE TABLE commerce.orders AS SELECT order_id::text AS order_id, customer_id::text AS customer_id, placed_at, is_valid, total, channel, content_id::text AS content_id, store_id, source_medium, source_name, source_campaign, source_domain, device_type, coupon_code FROM intids.orders`,
		`CREATE TABLE commerce.order_items AS SELECT order_id::text AS order_id, product_id::text AS product_id, quantity, unit_price FROM intids.order_items`,
		`CREATE TABLE commerce.products AS SELECT product_id::text AS product_id, name, category, attributes FROM intids.products`,
		`CREATE TABLE commerce.accounts AS SELECT account_id::text AS account_id, name, kind FROM intids.accounts`,
		`CREATE TABLE commerce.content AS SELECT content_id::text AS content_id, account_id::text AS account_id, kind, title, category, published_at FROM intids.content`,
		`CREATE TABLE commerce.follows AS SELECT account_id::text AS account_id, customer_id::text AS customer_id, followed_at, unfollowed_at, source, content_id::text AS content_id FROM intids.follows`,
		`CREATE TABLE commerce.content_views AS SELECT customer_id::text AS customer_id, content_id::text AS content_id, viewed_at FROM intids.content_views`,
		`CREATE TABLE commerce.email_events AS SELECT customer_id::text AS customer_id, kind, occurred_at FROM intids.email_events`,
	}
	for _, s := range ddl {
		if _, err := conn.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if err := contract.CreateIndexes(ctx, conn); err != nil {
		t.Fatal(err)
	}
	var idType string
	if err := conn.QueryRow(ctx, `SELECT pg_typeof(customer_id)::text FROM commerce.orders LIMIT 1`).Scan(&idType); err != nil || idType != "text" {
		t.Fatalf("commerce.orders.customer_id is %q (%v), want text", idType, err)
	}

	textIDs := engineOn(t, dsn, "commerce")
	intIDs := engineOn(t, dsn, "intids")
	end := pgtest.DemoEnd
	month := analytics.Period{From: end.AddDate(0, -1, 0), To: end}
	year := analytics.Period{From: end.AddDate(-1, 0, 0), To: end}
	day := 24 * time.Hour
	type run func(e *analytics.Engine) (data.Frames, error)
	cases := []struct {
		name string
		run  run
	}{
		{"buyers summary", func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{}, month, day)
		}},
		{"buyers trend", func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{View: "trend", Bucket: "day"}, month, day)
		}},
		{"buyers profile follower status", func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{View: "profile", Dimension: "follower_status"}, month, day)
		}},
		{"buyers profile video preference", func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{View: "profile", Dimension: "video_preference"}, month, day)
		}},
		{"followers summary", func(e *analytics.Engine) (data.Frames, error) {
			return e.Followers(ctx, analytics.FollowersQuery{}, month, day)
		}},
		{"followers summary of one account", func(e *analytics.Engine) (data.Frames, error) {
			return e.Followers(ctx, analytics.FollowersQuery{Accounts: []string{"2"}}, month, day)
		}},
		{"followers trend", func(e *analytics.Engine) (data.Frames, error) {
			return e.Followers(ctx, analytics.FollowersQuery{View: "trend", Bucket: "day"}, month, day)
		}},
		{"followers sources", func(e *analytics.Engine) (data.Frames, error) {
			return e.Followers(ctx, analytics.FollowersQuery{View: "channels"}, month, day)
		}},
		{"followers profile buyer status", func(e *analytics.Engine) (data.Frames, error) {
			return e.Followers(ctx, analytics.FollowersQuery{View: "profile", Dimension: "buyer_status"}, month, day)
		}},
		{"customer report", func(e *analytics.Engine) (data.Frames, error) {
			return e.Customers(ctx, analytics.CustomersQuery{}, month, day)
		}},
		{"customer acquisition", func(e *analytics.Engine) (data.Frames, error) {
			return e.Customers(ctx, analytics.CustomersQuery{View: "acquisition", Bucket: "week"}, year, day)
		}},
		{"customer events", func(e *analytics.Engine) (data.Frames, error) {
			return e.CustomerEvents(ctx, analytics.EventsQuery{}, year, day)
		}},
		{"new returning lapsed", func(e *analytics.Engine) (data.Frames, error) {
			return e.CustomerEvents(ctx, analytics.EventsQuery{View: "new_returning_lapsed"}, month, day)
		}},
		{"events orders by category", func(e *analytics.Engine) (data.Frames, error) {
			return e.CustomerEvents(ctx, analytics.EventsQuery{View: "orders", Event: "customers_gained", GroupBy: "product_category"}, year, day)
		}},
		{"audience states", func(e *analytics.Engine) (data.Frames, error) {
			return e.AudienceGrowth(ctx, analytics.AudienceQuery{Bucket: "month"}, year, day)
		}},
		{"segments by lifecycle status", func(e *analytics.Engine) (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{Dimension: "lifecycle_status"}, month)
		}},
		{"segments by email engagement", func(e *analytics.Engine) (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{Dimension: "email_engagement"}, month)
		}},
		{"segments by first order channel", func(e *analytics.Engine) (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{Dimension: "first_order_channel"}, month)
		}},
		{"value bands", func(e *analytics.Engine) (data.Frames, error) {
			return e.ValueBands(ctx, analytics.ValueBandsQuery{}, month)
		}},
		{"clv fit", func(e *analytics.Engine) (data.Frames, error) {
			return e.CLV(ctx, analytics.CLVQuery{View: "fit"}, month)
		}},
		{"clv by gender", func(e *analytics.Engine) (data.Frames, error) {
			return e.CLV(ctx, analytics.CLVQuery{View: "segments", Dimension: "gender"}, month)
		}},
		{"clv holdout", func(e *analytics.Engine) (data.Frames, error) {
			return e.CLV(ctx, analytics.CLVQuery{View: "holdout"}, analytics.Period{From: end.AddDate(0, -6, 0), To: end})
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, err := c.run(intIDs)
			if err != nil {
				t.Fatalf("integer ids: %v", err)
			}
			got, err := c.run(textIDs)
			if err != nil {
				t.Fatalf("text ids: %v", err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d frames with text ids, %d with integer ids", len(got), len(want))
			}
			for i := range want {
				if diff := frameDiff(got[i], want[i]); diff != "" {
					t.Errorf("frame %s: %s", want[i].Name, diff)
				}
			}
		})
	}
}

// demoCopy returns a fresh copy of the 3,000-customer demo shop and a connection to it (closed
// when the test ends), for tests that change it.
func demoCopy(t *testing.T) (string, *pgx.Conn) {
	t.Helper()
	dsn := pgtest.NewDatabaseFrom(t, pgtest.DemoTemplate(t, 3000, nil))
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return dsn, conn
}

// engineOn is an engine reading the contract from the given schema.
func engineOn(t *testing.T, dsn, schema string) *analytics.Engine {
	t.Helper()
	return engineWithShop(t, dsn, schema, analytics.DefaultShop())
}

// engineWithShop is an engine reading the contract from schema with the shop's definitions.
func engineWithShop(t *testing.T, dsn, schema string, shop analytics.Shop) *analytics.Engine {
	t.Helper()
	e, closeEngine := openEngine(t, dsn, schema, shop)
	t.Cleanup(closeEngine)
	return e
}

// openEngine is engineWithShop for a caller that closes the engine and its pool itself (a test
// that opens many engines, one at a time).
func openEngine(t *testing.T, dsn, schema string, shop analytics.Shop) (*analytics.Engine, func()) {
	t.Helper()
	db, err := database.Open(context.Background(), pgtest.ReaderConfig(t, dsn, schema, 60*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	e := analytics.New(db, shop)
	return e, func() { e.Close(); db.Close() }
}

// frameDiff describes how got differs from want in its fields' names and values ("" when equal).
// Timing fields (…_seconds) are left out: they measure the run, not the data.
func frameDiff(got, want *data.Frame) string {
	if len(got.Fields) != len(want.Fields) {
		return fmt.Sprintf("%d fields, want %d", len(got.Fields), len(want.Fields))
	}
	for j, wf := range want.Fields {
		gf := got.Fields[j]
		if gf.Name != wf.Name {
			return fmt.Sprintf("field %d is %q, want %q", j, gf.Name, wf.Name)
		}
		if strings.HasSuffix(wf.Name, "_seconds") {
			continue
		}
		if gf.Len() != wf.Len() {
			return fmt.Sprintf("field %s has %d rows, want %d", wf.Name, gf.Len(), wf.Len())
		}
		for r := 0; r < wf.Len(); r++ {
			g, _ := gf.ConcreteAt(r)
			w, _ := wf.ConcreteAt(r)
			if gv, ok := g.(float64); ok {
				if wv, ok := w.(float64); ok && (gv == wv || math.Abs(gv-wv) <= 1e-9*math.Max(math.Abs(gv), math.Abs(wv))) {
					continue
				}
			}
			if fmt.Sprint(g) != fmt.Sprint(w) {
				return fmt.Sprintf("field %s row %d is %v, want %v", wf.Name, r, g, w)
			}
		}
	}
	return ""
}
