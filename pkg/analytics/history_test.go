package analytics_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// readsHistoryTable finds the history forms' read of the table (comments may name it too).
var readsHistoryTable = regexp.MustCompile(`(FROM|JOIN) order_history h\b`)

// readsLaterRows matches the second part of last_rows (dimensions.tmpl.sql), which the settled form
// leaves out.
var readsLaterRows = regexp.MustCompile(`h\.next_placed_at >= p\.as_of`)

// The buyers and customer events statements read order_history when it is complete and current,
// and probe each buyer's earlier orders otherwise. Every form must give the same figures, and a stale history
// must never be read: the demo shop (with added same-instant orders at a period's first instant)
// is read with the history kept by its triggers, kept by "the shop" (triggers disabled), behind
// orders, rebuilt, and absent.
func TestOrderHistoryFormsGiveTheSameFigures(t *testing.T) {
	ctx := context.Background()
	dsn, conn := demoCopy(t)
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	end := pgtest.DemoEnd
	month := analytics.Period{From: end.AddDate(0, -1, 0), To: end}
	// Ties: three customers get a second valid order at the same instant as one of theirs, and
	// two get two valid orders and an invalid one exactly at the month's first instant (a bucket
	// start of the trends); the triggers keep the history.
	exec(`INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total)
	      SELECT 900000 + row_number() OVER (), customer_id, placed_at, true, 7.5
	      FROM (SELECT DISTINCT ON (customer_id) customer_id, placed_at FROM commerce.orders
	            WHERE is_valid AND placed_at >= $1 AND placed_at < $2 ORDER BY customer_id, placed_at LIMIT 3) x`,
		month.From, month.To)
	exec(`INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total)
	      SELECT 910000 + row_number() OVER (), customer_id, $1, v, 11
	      FROM (SELECT customer_id FROM commerce.customers ORDER BY customer_id LIMIT 2) c, (VALUES (true), (true), (false)) AS t (v)`, month.From)
	// A new customer whose first order is a checkout split into two orders at one instant (plus
	// an invalid one there), then a later order: acquired once, with both orders' revenue.
	exec(`INSERT INTO commerce.customers (customer_id, created_at) SELECT max(customer_id) + 1, $1 FROM commerce.customers`, month.From)
	exec(`INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total)
	      SELECT 930000 + n, (SELECT max(customer_id) FROM commerce.customers), $1::timestamptz + CASE WHEN n = 4 THEN interval '3 days' ELSE interval '0' END, n <> 3, 10 * n
	      FROM generate_series(1, 4) n`, month.From.Add(2*time.Hour))

	ny := mustLoc(t, "America/New_York")
	nyShop := analytics.DefaultShop()
	nyShop.Location = ny
	nyWeek := analytics.Period{From: time.Date(2026, 10, 5, 0, 0, 0, 0, ny), To: time.Date(2026, 10, 12, 0, 0, 0, 0, ny)}
	allHistory := analytics.DefaultShop()
	allHistory.NewBuyerLookbackDays = 0
	day := 24 * time.Hour
	type view struct {
		name string
		shop analytics.Shop
		run  func(e *analytics.Engine) (data.Frames, error)
	}
	// As-of moments: the shop's end; inside the month; exactly at the instant of the month's first
	// orders (two customers ordered twice then: neither order counts).
	midMonth := analytics.Period{From: month.From, To: month.From.AddDate(0, 0, 12).Add(7 * time.Hour)}
	atTies := analytics.Period{From: month.From.AddDate(0, 0, -7), To: month.From}
	views := []view{
		{"summary", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{}, month, day)
		}},
		{"summary vs a year before", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{Comparison: analytics.Offset1Year}, month, day)
		}},
		{"summary, all-history look-back", allHistory, func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{}, month, day)
		}},
		{"summary of a New York week", nyShop, func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{}, nyWeek, day)
		}},
		{"summary of an empty period", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{}, analytics.Period{From: end.AddDate(5, 0, 0), To: end.AddDate(5, 1, 0)}, day)
		}},
		{"daily trend", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{View: "trend", Bucket: "day"}, month, day)
		}},
		{"weekly trend in New York, all history", func() analytics.Shop { s := nyShop; s.NewBuyerLookbackDays = 0; return s }(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{View: "trend", Bucket: "week"}, analytics.Period{From: nyWeek.From.AddDate(0, 0, -56), To: nyWeek.To}, day)
		}},
		{"products by new buyers' revenue", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{View: "products", RankBy: "new", TopN: 50}, month, day)
		}},
		{"profile of new buyers by gender", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{View: "profile", Group: "new", Dimension: "gender"}, month, day)
		}},
		{"profile of repeat buyers by age", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{View: "profile", Group: "repeat", Dimension: "age_band"}, month, day)
		}},
		{"channels ranked by repeat buyers' revenue", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{View: "channels", RankBy: "repeat", TopN: 100}, month, day)
		}},
		{"LIVE channels of a New York week, all-history look-back", func() analytics.Shop { s := nyShop; s.NewBuyerLookbackDays = 0; return s }(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{View: "channels", ContentKind: "live", TopN: 100}, nyWeek, day)
		}},
		{"profile of all buyers by country", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{View: "profile", Group: "all", Dimension: "country"}, month, day)
		}},
		{"profile of all buyers by video preference in a New York week", nyShop, func(e *analytics.Engine) (data.Frames, error) {
			return e.Buyers(ctx, analytics.BuyersQuery{View: "profile", Group: "all", Dimension: "video_preference"}, nyWeek, day)
		}},
		{"followers by buyer status", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Followers(ctx, analytics.FollowersQuery{View: "profile", Dimension: "buyer_status"}, month, day)
		}},
		{"customers summary vs the previous period", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Customers(ctx, analytics.CustomersQuery{}, month, day)
		}},
		{"customers summary of a New York week vs a year before", nyShop, func(e *analytics.Engine) (data.Frames, error) {
			return e.Customers(ctx, analytics.CustomersQuery{Comparison: analytics.Offset1Year}, nyWeek, day)
		}},
		{"customers new vs existing", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Customers(ctx, analytics.CustomersQuery{View: "new_vs_existing"}, month, day)
		}},
		{"customers acquisition, daily", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Customers(ctx, analytics.CustomersQuery{View: "acquisition", Bucket: "day"}, month, day)
		}},
		{"customers acquisition, weekly in New York", nyShop, func(e *analytics.Engine) (data.Frames, error) {
			return e.Customers(ctx, analytics.CustomersQuery{View: "acquisition", Bucket: "week"}, analytics.Period{From: nyWeek.From.AddDate(0, 0, -56), To: nyWeek.To}, day)
		}},
		{"segments by lifecycle status", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{Dimension: "lifecycle_status"}, month)
		}},
		{"segments by lifecycle status inside the month", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{Dimension: "lifecycle_status"}, midMonth)
		}},
		{"segments by frequency band at the month's first instant", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{Dimension: "frequency_band"}, atTies)
		}},
		{"segments by first-order channel inside the month", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{Dimension: "first_order_channel"}, midMonth)
		}},
		{"segments by email engagement in New York", nyShop, func(e *analytics.Engine) (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{Dimension: "email_engagement"}, midMonth)
		}},
		{"segments matrix, persona by value band", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Segments(ctx, analytics.SegmentsQuery{View: "matrix", Dimension: "persona", Dimension2: "value_band"}, midMonth)
		}},
		{"value bands snapshot", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.ValueBands(ctx, analytics.ValueBandsQuery{}, midMonth)
		}},
		{"personas revenue", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Personas(ctx, analytics.PersonasQuery{}, month)
		}},
		{"personas by stage", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Personas(ctx, analytics.PersonasQuery{View: "by_stage"}, midMonth)
		}},
		{"RFM scores", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.Personas(ctx, analytics.PersonasQuery{View: "scores"}, atTies)
		}},
		{"audience popular products of active customers", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.AudienceGrowth(ctx, analytics.AudienceQuery{View: "popular_products", Dimension: "audience_state", Segment: "active"}, month, day)
		}},
		{"audience states, daily", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.AudienceGrowth(ctx, analytics.AudienceQuery{Bucket: "day"}, month, day)
		}},
		{"audience states, hourly around the month's first instant", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.AudienceGrowth(ctx, analytics.AudienceQuery{Bucket: "hour"}, analytics.Period{From: month.From.Add(-6 * time.Hour), To: month.From.Add(6 * time.Hour)}, time.Hour)
		}},
		{"audience states, weekly in New York", nyShop, func(e *analytics.Engine) (data.Frames, error) {
			return e.AudienceGrowth(ctx, analytics.AudienceQuery{Bucket: "week"}, analytics.Period{From: nyWeek.From.AddDate(0, 0, -56), To: nyWeek.To}, day)
		}},
		{"audience active history", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.AudienceGrowth(ctx, analytics.AudienceQuery{View: "active_history"}, month, day)
		}},
		{"predicted CLV by persona", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CLV(ctx, analytics.CLVQuery{View: "segments", Dimension: "persona"}, month)
		}},
		{"predicted CLV by gender in New York", nyShop, func(e *analytics.Engine) (data.Frames, error) {
			return e.CLV(ctx, analytics.CLVQuery{View: "segments", Dimension: "gender"}, midMonth)
		}},
		{"predicted CLV customers", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CLV(ctx, analytics.CLVQuery{View: "customers", Limit: 200}, month)
		}},
		{"predicted CLV customers at risk, daily unit, at the month's first instant", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CLV(ctx, analytics.CLVQuery{View: "at_risk", Unit: "day", Limit: 200}, atTies)
		}},
		{"predicted CLV customers in New York", nyShop, func(e *analytics.Engine) (data.Frames, error) {
			return e.CLV(ctx, analytics.CLVQuery{View: "customers", Limit: 200}, midMonth)
		}},
		{"predicted CLV fit", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CLV(ctx, analytics.CLVQuery{View: "fit"}, midMonth)
		}},
		{"predicted CLV holdout", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CLV(ctx, analytics.CLVQuery{View: "holdout"}, analytics.Period{From: month.From.AddDate(0, -6, 0), To: month.To})
		}},
		{"events summary vs the previous period", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CustomerEvents(ctx, analytics.EventsQuery{}, month, day)
		}},
		{"events summary of a New York week vs a year before", nyShop, func(e *analytics.Engine) (data.Frames, error) {
			return e.CustomerEvents(ctx, analytics.EventsQuery{Comparison: analytics.Offset1Year}, nyWeek, day)
		}},
		{"events daily trend", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CustomerEvents(ctx, analytics.EventsQuery{View: "trend", Bucket: "day"}, month, day)
		}},
		// Short thresholds, so that a month has customers won back and saved.
		{"events weekly trend, short thresholds", func() analytics.Shop { s := analytics.DefaultShop(); s.AtRiskDays, s.LapsedDays = 10, 30; return s }(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CustomerEvents(ctx, analytics.EventsQuery{View: "trend", Bucket: "week"}, analytics.Period{From: month.From.AddDate(0, -2, 0), To: month.To}, day)
		}},
		{"events new, returning and lapsed", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CustomerEvents(ctx, analytics.EventsQuery{View: "new_returning_lapsed"}, month, day)
		}},
		// The month after the shop's end, with no comparison: nobody orders, and whoever last
		// ordered in the month (ties included) lapses in it; only its lapse window (the month)
		// has orders, so a history behind there must not be read.
		{"events new, returning and lapsed in the month after, short thresholds", func() analytics.Shop { s := analytics.DefaultShop(); s.AtRiskDays, s.LapsedDays = 10, 30; return s }(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CustomerEvents(ctx, analytics.EventsQuery{View: "new_returning_lapsed", Comparison: analytics.NoComparison}, analytics.Period{From: month.To, To: month.To.AddDate(0, 1, 0)}, day)
		}},
		{"events orders of customers gained by product", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CustomerEvents(ctx, analytics.EventsQuery{View: "orders", Event: "customers_gained", GroupBy: "product", TopN: 1000}, month, day)
		}},
		{"events orders of second orders by source", analytics.DefaultShop(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CustomerEvents(ctx, analytics.EventsQuery{View: "orders", Event: "second_orders", GroupBy: "source_medium"}, month, day)
		}},
		{"events orders of customers won back by device", func() analytics.Shop { s := analytics.DefaultShop(); s.AtRiskDays, s.LapsedDays = 10, 30; return s }(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CustomerEvents(ctx, analytics.EventsQuery{View: "orders", Event: "won_back", GroupBy: "device_type"}, month, day)
		}},
		{"events orders of customers saved by store", func() analytics.Shop { s := analytics.DefaultShop(); s.AtRiskDays, s.LapsedDays = 10, 30; return s }(), func(e *analytics.Engine) (data.Frames, error) {
			return e.CustomerEvents(ctx, analytics.EventsQuery{View: "orders", Event: "saved", GroupBy: "store"}, month, day)
		}},
	}
	// read runs every view; readsHistory says whether its statement must have read order_history
	// (the history is checked per period: views whose periods the changes below do not touch may
	// read it even when it is behind elsewhere, so those are not asserted then).
	// The as-of views read whole histories as of the range's end, and so only a history kept by
	// the triggers.
	// The predicted CLV views read the history's purchase days, so only a history built in the
	// shop's zone (builtZone).
	asOf, days := map[string]bool{}, map[string]bool{}
	builtZone := "UTC"
	for _, v := range views {
		days[v.name] = strings.HasPrefix(v.name, "predicted CLV")
		if strings.HasPrefix(v.name, "segments ") || strings.HasPrefix(v.name, "value bands") || strings.HasPrefix(v.name, "personas") ||
			strings.HasPrefix(v.name, "RFM") || strings.HasPrefix(v.name, "audience") || strings.HasPrefix(v.name, "predicted CLV") {
			asOf[v.name] = true
		}
	}
	untouched := map[string]bool{"summary of an empty period": true, "summary of a New York week": true, "weekly trend in New York, all history": true,
		"events summary of a New York week vs a year before": true, "customers summary of a New York week vs a year before": true,
		"customers acquisition, weekly in New York": true, "profile of all buyers by video preference in a New York week": true,
		"LIVE channels of a New York week, all-history look-back": true,
		// A trend runs its buckets in halves (apart), each checked on its own: the first half
		// ends before the changed month and may read the history; the frame shows its statement.
		"events weekly trend, short thresholds": true}
	read := func(t *testing.T, state string, readsHistory bool) map[string]data.Frames {
		t.Helper()
		out := map[string]data.Frames{}
		for _, v := range views {
			e, closeEngine := openEngine(t, dsn, "commerce", v.shop)
			frames, err := v.run(e)
			closeEngine()
			if err != nil {
				t.Fatalf("%s, %s: %v", state, v.name, err)
			}
			want := readsHistory && (!asOf[v.name] || !strings.HasPrefix(state, "kept by the shop")) &&
				(!days[v.name] || v.shop.Location.String() == builtZone)
			if got := readsHistoryTable.MatchString(frames[0].Meta.ExecutedQueryString); got != want && (want || !untouched[v.name]) {
				t.Errorf("%s, %s: read order_history %v, want %v", state, v.name, got, want)
			}
			out[v.name] = frames
		}
		return out
	}
	same := func(t *testing.T, state string, got, want map[string]data.Frames) {
		t.Helper()
		for _, v := range views {
			for i := range want[v.name] {
				if diff := frameDiff(got[v.name][i], want[v.name][i]); diff != "" {
					t.Errorf("%s, %s, frame %s: %s", state, v.name, want[v.name][i].Name, diff)
				}
			}
		}
	}

	kept := read(t, "kept by triggers", true)
	// As of the shop's end, after every order, the as-of views run the settled form (twoWays.settle):
	// no rows whose next order is at or after as_of are read. Inside the month they are. Both
	// forms' figures are the orders' (same, below).
	for name, settled := range map[string]bool{"segments by lifecycle status": true, "personas revenue": true,
		"segments by lifecycle status inside the month": false, "segments by frequency band at the month's first instant": false} {
		if _, ok := kept[name]; !ok {
			t.Fatalf("no view %q", name)
		}
		if got := !readsLaterRows.MatchString(kept[name][0].Meta.ExecutedQueryString); got != settled {
			t.Errorf("%s: settled form %v, want %v", name, got, settled)
		}
	}
	// Purchase days built in New York: the New York shop's predicted CLV reads them, the others
	// read orders; the figures stay the same. Then back to UTC.
	exec(`UPDATE commerce.order_history_zone SET zone = 'America/New_York'`)
	if err := contract.CreateHistory(ctx, conn); err != nil {
		t.Fatal(err)
	}
	builtZone = "America/New_York"
	same(t, "days in New York", read(t, "days in New York", true), kept)
	if err := contract.CreateHistoryInZone(ctx, conn, "UTC"); err != nil {
		t.Fatal(err)
	}
	builtZone = "UTC"
	exec(`ALTER TABLE commerce.orders DISABLE TRIGGER USER`)
	same(t, "kept by the shop, current", read(t, "kept by the shop, current", true), kept)

	// The shop's pipeline gets a running column wrong (orders and totals right): the first row
	// of the month of a customer with several orders in it says 5 more earlier revenue. The
	// period figures read earlier_revenue of first and last rows, so the history must not be
	// read where the row lies in a period; the figures stay the orders' ones.
	var corrupted int64
	if err := conn.QueryRow(ctx, `SELECT order_id FROM commerce.order_history h
	      WHERE placed_at >= $1 AND placed_at < $2 AND previous_placed_at < $1 AND next_placed_at < $2
	      ORDER BY order_id LIMIT 1`, month.From, month.To).Scan(&corrupted); err != nil {
		t.Fatal(err)
	}
	// offBy runs the named views with the history off in some column: they must not read it, and
	// their figures stay the orders' ones.
	offBy := func(what string, names ...string) {
		t.Helper()
		for _, name := range names {
			for _, v := range views {
				if v.name != name {
					continue
				}
				e, closeEngine := openEngine(t, dsn, "commerce", v.shop)
				frames, err := v.run(e)
				closeEngine()
				if err != nil {
					t.Fatalf("%s, %s: %v", what, name, err)
				}
				if readsHistoryTable.MatchString(frames[0].Meta.ExecutedQueryString) {
					t.Errorf("%s, %s: read order_history", what, name)
				}
				for i := range kept[name] {
					if diff := frameDiff(frames[i], kept[name][i]); diff != "" {
						t.Errorf("%s, %s, frame %s: %s", what, name, kept[name][i].Name, diff)
					}
				}
			}
		}
	}
	exec(`UPDATE commerce.order_history SET earlier_revenue = earlier_revenue + 5 WHERE order_id = $1`, corrupted)
	offBy("running columns off", "summary", "customers summary vs the previous period")
	exec(`UPDATE commerce.order_history SET earlier_revenue = earlier_revenue - 5 WHERE order_id = $1`, corrupted)

	// The pipeline dates a new customer's first order a day early on their rows (the customer
	// report reads first_placed_at to tell new customers from existing ones).
	var firstTime int64
	if err := conn.QueryRow(ctx, `SELECT customer_id FROM commerce.order_history h
	      WHERE placed_at >= $1 AND placed_at < $2 AND previous_placed_at IS NULL
	      ORDER BY customer_id LIMIT 1`, month.From, month.To).Scan(&firstTime); err != nil {
		t.Fatal(err)
	}
	exec(`UPDATE commerce.order_history SET first_placed_at = first_placed_at - interval '40 days' WHERE customer_id = $1`, firstTime)
	offBy("first order misdated", "customers summary vs the previous period", "customers new vs existing")
	exec(`UPDATE commerce.order_history SET first_placed_at = first_placed_at + interval '40 days' WHERE customer_id = $1`, firstTime)

	// The shop's pipeline falls behind: a new order and a cancelled one in the month.
	exec(`INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total)
	      SELECT 920000, customer_id, $1, true, 123 FROM commerce.customers c
	      WHERE NOT EXISTS (SELECT 1 FROM commerce.orders o WHERE o.customer_id = c.customer_id)
	      ORDER BY customer_id DESC LIMIT 1`, month.From.Add(time.Hour))
	exec(`UPDATE commerce.orders SET is_valid = false
	      WHERE order_id = (SELECT min(order_id) FROM commerce.orders WHERE is_valid AND placed_at >= $1 AND placed_at < $2)`, month.From, month.To)
	behind := read(t, "behind orders", false)
	for _, v := range []string{"summary", "events summary vs the previous period", "customers summary vs the previous period"} {
		if diff := frameDiff(behind[v][0], kept[v][0]); diff == "" {
			t.Fatalf("the changed orders did not change the %s: the staleness check is not exercised", v)
		}
	}

	if err := contract.CreateHistory(ctx, conn); err != nil {
		t.Fatal(err)
	}
	same(t, "rebuilt", read(t, "rebuilt", true), behind)

	exec(`DROP TABLE commerce.order_history`)
	same(t, "absent", read(t, "absent", false), behind)
}

// The triggers of history.sql keep order_history equal to a fresh build from orders through
// inserts, moves between customers, validity changes, deletes and truncation.
func TestOrderHistoryTriggers(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewContractDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	// Purchase days in Tokyo (UTC+9): the steps below place orders on both sides of its midnight.
	if err := contract.CreateHistoryInZone(ctx, conn, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	// drift counts the rows where order_history and a fresh build differ.
	drift := func() int {
		t.Helper()
		var n int
		err := conn.QueryRow(ctx, `
WITH fresh AS (
    SELECT order_id, customer_id, placed_at, total,
           lag(placed_at) OVER w AS previous_placed_at,
           (count(*) OVER w - 1)::int AS earlier_orders,
           sum(total) OVER w - total AS earlier_revenue,
           min(placed_at) OVER (PARTITION BY customer_id ORDER BY placed_at, order_id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_placed_at,
           min(placed_at) OVER (PARTITION BY customer_id) AS first_placed_at,
           (SELECT s.placed_at FROM commerce.orders s WHERE s.customer_id = o.customer_id AND s.is_valid
            ORDER BY s.placed_at, s.order_id OFFSET 1 LIMIT 1) AS second_placed_at,
           (SELECT count(DISTINCT (s.placed_at AT TIME ZONE 'Asia/Tokyo')::date) FROM commerce.orders s
            WHERE s.customer_id = o.customer_id AND s.is_valid AND (s.placed_at, s.order_id) <= (o.placed_at, o.order_id))::int AS purchase_days,
           (SELECT sum(s.total) FROM commerce.orders s
            WHERE s.customer_id = o.customer_id AND s.is_valid AND (s.placed_at, s.order_id) <= (o.placed_at, o.order_id)
              AND (s.placed_at AT TIME ZONE 'Asia/Tokyo')::date = (SELECT min((f.placed_at AT TIME ZONE 'Asia/Tokyo')::date)
                  FROM commerce.orders f WHERE f.customer_id = o.customer_id AND f.is_valid)) AS first_day_revenue,
           (SELECT s.channel FROM commerce.orders s WHERE s.customer_id = o.customer_id AND s.is_valid
            ORDER BY s.placed_at, s.order_id LIMIT 1) AS first_channel,
           (SELECT s.store_id::text FROM commerce.orders s WHERE s.customer_id = o.customer_id AND s.is_valid
            ORDER BY s.placed_at, s.order_id LIMIT 1) AS first_store_id
    FROM commerce.orders o WHERE is_valid
    WINDOW w AS (PARTITION BY customer_id ORDER BY placed_at, order_id ROWS UNBOUNDED PRECEDING)
)
SELECT count(*) FROM ((TABLE fresh EXCEPT ALL TABLE commerce.order_history)
                      UNION ALL (TABLE commerce.order_history EXCEPT ALL TABLE fresh)) d`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	count := func() int {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM commerce.order_history`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	steps := []struct{ name, sql string }{
		{"bulk insert with ties and invalid orders", `INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total, channel, store_id)
		 SELECT i, i % 7, '2026-01-01Z'::timestamptz + (i % 5) * interval '1 day', i % 4 <> 0, i,
		        (ARRAY['live', 'email', 'video'])[i % 3 + 1], 'S' || (i % 4) FROM generate_series(1, 200) i`},
		{"orders on both sides of Tokyo's midnight (15:00 UTC)", `INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total)
		 VALUES (301, 50, '2026-02-01 14:59:59Z', true, 1), (302, 50, '2026-02-01 15:00:00Z', true, 2),
		        (303, 50, '2026-02-02 14:00:00Z', true, 4), (304, 50, '2026-02-02 15:30:00Z', false, 8),
		        (305, 51, '2026-02-01 15:00:00Z', true, 16), (306, 51, '2026-02-02 14:59:59Z', true, 32)`},
		{"an order moves to another customer", `UPDATE commerce.orders SET customer_id = 99 WHERE order_id = 10`},
		{"orders become invalid and valid", `UPDATE commerce.orders SET is_valid = NOT is_valid WHERE order_id BETWEEN 1 AND 9`},
		{"an order moves in time", `UPDATE commerce.orders SET placed_at = '2025-12-31Z' WHERE order_id = 33`},
		{"deletes", `DELETE FROM commerce.orders WHERE order_id % 10 = 1`},
		{"truncate", `TRUNCATE commerce.orders`},
	}
	for _, s := range steps {
		if _, err := conn.Exec(ctx, s.sql); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if n := drift(); n != 0 {
			t.Errorf("after %s: %d rows differ from a fresh build", s.name, n)
		}
		if n := count(); n == 0 && s.name != "truncate" {
			t.Errorf("after %s: no history rows", s.name)
		}
	}
	// The zone's row deleted by hand: the triggers still keep a row per valid order (with no
	// days), and the datasource no longer sees a zone, so it does not read the days.
	if _, err := conn.Exec(ctx, `DELETE FROM commerce.order_history_zone;
		INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total)
		SELECT i, i % 3, '2026-03-01Z'::timestamptz + i * interval '1 hour', true, i FROM generate_series(1, 5) i`); err != nil {
		t.Fatal(err)
	}
	var valid, rows, days int
	if err := conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM commerce.orders WHERE is_valid),
		(SELECT count(*) FROM commerce.order_history), (SELECT count(purchase_days) FROM commerce.order_history)`).Scan(&valid, &rows, &days); err != nil {
		t.Fatal(err)
	}
	if rows != valid || valid != 5 || days != 0 {
		t.Errorf("without a zone row: %d history rows for %d valid orders (want 5), %d with days (want 0)", rows, valid, days)
	}
	if _, err := conn.Exec(ctx, `SET search_path TO commerce`); err != nil {
		t.Fatal(err)
	}
	var noZone string
	if err := conn.QueryRow(ctx, contract.HistoryZoneSQL).Scan(&noZone); err != nil || noZone != "" {
		t.Errorf("history zone without a row: %q (%v), want empty", noZone, err)
	}
	if err := contract.CreateHistoryInZone(ctx, conn, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	var complete, kept, zoned bool
	if err := conn.QueryRow(ctx, contract.HistoryStateSQL).Scan(&complete, &kept, &zoned); err != nil {
		t.Fatal(err)
	}
	if !complete || !kept || !zoned {
		t.Errorf("history state complete %v kept %v zoned %v, want all", complete, kept, zoned)
	}
	var zone string
	if err := conn.QueryRow(ctx, contract.HistoryZoneSQL).Scan(&zone); err != nil || zone != "Asia/Tokyo" {
		t.Errorf("history zone %q (%v), want Asia/Tokyo", zone, err)
	}
}

// Orders written by a session with session_replication_role = replica (replication and bulk-load
// tools write so): history.sql enables its triggers ALWAYS, so they keep the history there too. A trigger back in the default mode (ENABLE: it skips such sessions) must not
// be trusted: the history is then checked per period as one the shop keeps, and the figures stay
// the orders' ones.
func TestOrderHistoryReplicaSessions(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewContractDatabase(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	exec := func(sql string) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// inReplica writes as a replication subscriber does (it needs a superuser, as the tests connect).
	inReplica := func(sql string) {
		t.Helper()
		exec("BEGIN; SET LOCAL session_replication_role = replica; " + sql + "; COMMIT")
	}
	march := analytics.Period{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	exec(`INSERT INTO commerce.customers (customer_id, created_at) SELECT i, '2026-01-01Z' FROM generate_series(1, 5) i;
	      INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total)
	      VALUES (1, 1, '2026-02-10Z', true, 50), (2, 1, '2026-03-05Z', true, 111), (3, 2, '2026-03-06Z', true, 111), (4, 3, '2026-03-07Z', true, 111)`)
	db := pgtest.OpenDB(t, dsn)
	// summary reads the buyers summary of March: its frames, whether it read order_history, and
	// the revenue of all buyers.
	summary := func(state string) (data.Frames, bool, float64) {
		t.Helper()
		e, closeEngine := openEngine(t, dsn, "commerce", analytics.DefaultShop())
		defer closeEngine()
		frames, err := e.Buyers(ctx, analytics.BuyersQuery{}, march, 24*time.Hour)
		if err != nil {
			t.Fatalf("%s: %v", state, err)
		}
		f := frames[0]
		field, _ := f.FieldByName("revenue")
		all, _ := field.ConcreteAt(2) // New, Repeat, All buyers
		revenue, _ := all.(float64)
		return frames, readsHistoryTable.MatchString(f.Meta.ExecutedQueryString), revenue
	}
	// ordersPath is the summary read from orders alone (the history moved out of the contract).
	ordersPath := func(state string) (data.Frames, float64) {
		t.Helper()
		exec(`ALTER TABLE commerce.order_history RENAME TO order_history_aside`)
		defer exec(`ALTER TABLE commerce.order_history_aside RENAME TO order_history`)
		frames, read, revenue := summary(state + ", orders path")
		if read {
			t.Fatalf("%s: the orders path read order_history", state)
		}
		return frames, revenue
	}
	kept := func(state string) contract.Report {
		t.Helper()
		r, err := contract.Check(ctx, db, "commerce")
		if err != nil {
			t.Fatalf("%s: %v", state, err)
		}
		return r
	}
	check := func(state string, wantKept bool, wantRevenue float64) {
		t.Helper()
		r := kept(state)
		if r.HistoryKept != wantKept {
			t.Errorf("%s: history kept %v, want %v (%s)", state, r.HistoryKept, wantKept, r.Summary())
		}
		got, read, revenue := summary(state)
		want, wantRev := ordersPath(state)
		if wantRev != wantRevenue {
			t.Fatalf("%s: orders path revenue %v, want %v", state, wantRev, wantRevenue)
		}
		if revenue != wantRevenue {
			t.Errorf("%s: revenue %v (read order_history %v), want the orders' %v", state, revenue, read, wantRevenue)
		}
		for i := range want {
			if diff := frameDiff(got[i], want[i]); diff != "" {
				t.Errorf("%s, frame %s: %s", state, want[i].Name, diff)
			}
		}
		if wantKept && !read {
			t.Errorf("%s: a history kept by its triggers was not read", state)
		}
	}
	check("built", true, 333)

	// A new buyer's order written in replica mode: the ALWAYS triggers see it.
	inReplica(`INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total) VALUES (5, 4, '2026-03-08Z', true, 1000)`)
	check("order inserted in replica mode", true, 1333)
	inReplica(`UPDATE commerce.orders SET is_valid = false WHERE order_id = 3`)
	check("order invalidated in replica mode", true, 1222)

	// A trigger back in the default mode (as an older history.sql created it, or ENABLE TRIGGER
	// ALL after a restore with --disable-triggers): the next replica write passes it by.
	exec(`ALTER TABLE commerce.orders ENABLE TRIGGER order_history_insert`)
	r := kept("insert trigger in mode O")
	if r.HistoryKept || !strings.Contains(r.Summary(), "kept by the shop") || !strings.Contains(r.Summary(), "run history.sql again") {
		t.Errorf("insert trigger in mode O: health %q, want a history kept by the shop and a hint to run history.sql again", r.Summary())
	}
	inReplica(`INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total) VALUES (6, 5, '2026-03-09Z', true, 1000)`)
	var rows int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM commerce.order_history WHERE order_id = 6`).Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("the insert trigger in mode O fired in replica mode (%d rows, %v): the case is not exercised", rows, err)
	}
	check("order inserted in replica mode past a trigger in mode O", false, 2222)

	// history.sql run again: its triggers are ALWAYS again, and the rebuilt history is read.
	if err := contract.CreateHistory(ctx, conn); err != nil {
		t.Fatal(err)
	}
	check("history.sql run again", true, 2222)
}
