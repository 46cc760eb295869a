package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
	"github.com/storelens/customer-analytics-datasource/pkg/requestshare"
)

// A UTC shop with social data. The period is the week [Mon 4 May, Mon 11 May 2026).
//
//	buyers in the week: c1 repeat 50 (LIVE 10) · c2 new 30 (video 11) + 40 (no content)
//	                    · c3 repeat 60 (LIVE 10) · c5 new 60 (video 12); c4 has only an invalid order
//	→ new 2 / 130, repeat 2 / 110, all 4 / 240
const buyersViewsFixture = `
INSERT INTO accounts VALUES (1, 'Official', 'official'), (2, 'Chan', 'channel');
INSERT INTO content VALUES
  (10, 1, 'live',  'Spring LIVE',  'beauty', '2026-05-01Z'),
  (11, 2, 'video', 'Lip tutorial', 'beauty', '2026-04-20Z'),
  (12, 2, 'video', 'Desk tour',    'tech',   '2026-05-02Z');
INSERT INTO products VALUES (100, 'Lipstick', 'beauty', '{"color":"red"}'), (101, 'Lamp', 'home', '{}');
INSERT INTO customers VALUES
  (1, '2025-01-01Z', 2000, 'female', 'US', 'CA', 'Los Angeles', 150,  true),
  (2, '2025-01-01Z', 1990, 'male',   'DE', 'BE', 'Berlin',      1200, false),
  (3, '2025-01-01Z', NULL, NULL,     NULL, NULL, NULL,          NULL, NULL),
  (4, '2025-01-01Z', 2010, 'other',  'US', 'NY', 'New York',    150,  true),
  (5, '2025-01-01Z', 1960, 'female', 'DE', 'BY', 'Munich',      80,   true);
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total, channel, content_id) VALUES
  (1, 1, '2026-05-05 10:00Z', true,  50,  'live',       10),
  (2, 2, '2026-05-06 10:00Z', true,  30,  'video',      11),
  (3, 2, '2026-05-07 10:00Z', true,  40,  'storefront', NULL),
  (4, 3, '2026-05-08 10:00Z', true,  60,  'live',       10),
  (5, 4, '2026-05-05 10:00Z', false, 500, 'live',       10),
  (6, 5, '2026-05-09 10:00Z', true,  60,  'video',      12),
  (7, 1, '2026-01-10 10:00Z', true,  15,  NULL,         NULL),
  (8, 3, '2025-06-01 10:00Z', true,  25,  NULL,         NULL),
  (9, 1, '2026-04-28 10:00Z', true,  20,  NULL,         NULL);
INSERT INTO order_items VALUES
  (1, 100, 2, 25), (2, 100, 1, 30), (3, 101, 1, 40), (4, 101, 1, 60), (5, 100, 20, 25), (6, 100, 2, 30),
  (7, 101, 1, 15), (8, 101, 1, 25), (9, 100, 1, 20);
INSERT INTO follows VALUES
  (1, 1, '2026-01-01Z', NULL, 'profile', NULL),
  (2, 2, '2026-05-06 09:00Z', NULL, 'video', 11),
  (1, 3, '2025-01-01Z', '2026-05-10Z', 'live', 10),
  (2, 5, '2025-12-01Z', NULL, 'product_card', NULL);
INSERT INTO content_views VALUES
  (1, 10, '2026-05-05 09:00Z'),
  (2, 11, '2026-05-06 08:00Z'),
  (2, 12, '2026-05-06 08:30Z'),
  (5, 11, '2026-04-01Z'),
  (4, 12, '2026-05-06Z');
`

func TestBuyersViews(t *testing.T) {
	db := fixtureSQL(t, buyersViewsFixture)
	e := analytics.New(db, analytics.DefaultShop())
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2026, 5, d, 0, 0, 0, 0, time.UTC) }
	week := analytics.Period{From: day(4), To: day(11)}

	run := func(t *testing.T, q analytics.BuyersQuery, p analytics.Period) []*frameT {
		t.Helper()
		frames, err := e.Buyers(ctx, q, p, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if frames[0].Meta == nil || frames[0].Meta.ExecutedQueryString == "" {
			t.Error("frame lacks the executed SQL")
		}
		return frames
	}
	// inOneRequest runs qs in shared (one request's scope, see requestshare), checks that each
	// answers there as it does alone, and returns their first frames.
	inOneRequest := func(t *testing.T, shared context.Context, qs []analytics.BuyersQuery, p analytics.Period) []*frameT {
		t.Helper()
		out := make([]*frameT, len(qs))
		for i, q := range qs {
			got, err := e.Buyers(shared, q, p, 24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if diff := frameDiff(got[0], run(t, q, p)[0]); diff != "" {
				t.Errorf("%+v in a shared request: %s", q, diff)
			}
			out[i] = got[0]
		}
		return out
	}

	t.Run("summary", func(t *testing.T) {
		f := run(t, analytics.BuyersQuery{}, week)[0]
		wantColumn(t, f, "buyers", []any{int64(2), int64(2), int64(4)})
		wantColumn(t, f, "revenue", []any{130.0, 110.0, 240.0})
		// The week before: only c1's order of 28 April, repeat (ordered in January).
		wantColumn(t, f, "buyers_previous", []any{int64(0), int64(1), int64(1)})
		wantColumn(t, f, "revenue_previous", []any{0.0, 20.0, 20.0})
		wantColumn(t, f, "revenue_change", []any{nil, 110.0/20 - 1, 240.0/20 - 1})
	})

	t.Run("trend", func(t *testing.T) {
		// Each day is its own period: c2 is new on 6 May but repeat on 7 May (ordered the day before).
		f := run(t, analytics.BuyersQuery{View: "trend", Bucket: "day"}, week)[0]
		times := make([]any, 7)
		for i := range times {
			times[i] = day(4 + i)
		}
		wantColumn(t, f, "time", times)
		wantColumn(t, f, "new_buyers", []any{int64(0), int64(0), int64(1), int64(0), int64(0), int64(1), int64(0)})
		wantColumn(t, f, "repeat_buyers", []any{int64(0), int64(1), int64(0), int64(1), int64(1), int64(0), int64(0)})
		wantColumn(t, f, "new_revenue", []any{0.0, 0.0, 30.0, 0.0, 0.0, 60.0, 0.0})
		wantColumn(t, f, "repeat_revenue", []any{0.0, 50.0, 0.0, 40.0, 60.0, 0.0, 0.0})
		wantColumn(t, f, "repeat_rate", []any{nil, 1.0, 0.0, 1.0, 1.0, 0.0, nil})
		// The previous week's buckets on this week's axis: 28 April is the second bucket.
		wantColumn(t, f, "repeat_buyers_previous", []any{int64(0), int64(1), int64(0), int64(0), int64(0), int64(0), int64(0)})
		wantColumn(t, f, "repeat_revenue_previous", []any{0.0, 20.0, 0.0, 0.0, 0.0, 0.0, 0.0})

		// One series only, for alerting: time, the metric and its comparison.
		one := run(t, analytics.BuyersQuery{View: "trend", Bucket: "day", Metric: "repeat_rate"}, week)[0]
		if len(one.Fields) != 3 || one.Fields[1].Name != "repeat_rate" || one.Fields[2].Name != "repeat_rate_previous" {
			t.Errorf("metric repeat_rate: fields %v", one.Fields)
		}
		wantColumn(t, one, "repeat_rate", []any{nil, 1.0, 0.0, 1.0, 1.0, 0.0, nil})
	})

	t.Run("one-day summary equals its trend bucket", func(t *testing.T) {
		s := run(t, analytics.BuyersQuery{Comparison: analytics.NoComparison}, analytics.Period{From: day(7), To: day(8)})[0]
		wantColumn(t, s, "buyers", []any{int64(0), int64(1), int64(1)})
		wantColumn(t, s, "revenue", []any{0.0, 40.0, 40.0})
	})

	t.Run("channels", func(t *testing.T) {
		f := run(t, analytics.BuyersQuery{View: "channels"}, week)[0]
		wantColumn(t, f, "content_id", []any{"10", "12", "11"})
		wantColumn(t, f, "title", []any{"Spring LIVE", "Desk tour", "Lip tutorial"})
		wantColumn(t, f, "kind", []any{"live", "video", "video"})
		wantColumn(t, f, "account", []any{"Official", "Chan", "Chan"})
		wantColumn(t, f, "new_revenue", []any{0.0, 60.0, 30.0})
		wantColumn(t, f, "repeat_revenue", []any{110.0, 0.0, 0.0})
		wantColumn(t, f, "revenue", []any{110.0, 60.0, 30.0})
		wantColumn(t, f, "new_buyers", []any{int64(0), int64(1), int64(1)})
		wantColumn(t, f, "repeat_buyers", []any{int64(2), int64(0), int64(0)})
		wantColumn(t, f, "buyers", []any{int64(2), int64(1), int64(1)})

		byNew := run(t, analytics.BuyersQuery{View: "channels", RankBy: "new"}, week)[0]
		wantColumn(t, byNew, "content_id", []any{"12", "11", "10"})
		// 11 and 12 tie at 0 repeat revenue: the lower content id ranks first.
		byRepeat := run(t, analytics.BuyersQuery{View: "channels", RankBy: "repeat"}, week)[0]
		wantColumn(t, byRepeat, "content_id", []any{"10", "11", "12"})
		videos := run(t, analytics.BuyersQuery{View: "channels", ContentKind: "video", TopN: 1}, week)[0]
		wantColumn(t, videos, "content_id", []any{"12"})
		lives := run(t, analytics.BuyersQuery{View: "channels", ContentKind: "live"}, week)[0]
		wantColumn(t, lives, "content_id", []any{"10"})

		// In one request the rankings of one period share one statement, and answer as above.
		var computed []string
		shared := requestshare.With(ctx, func(k string) { computed = append(computed, k) })
		inOneRequest(t, shared, []analytics.BuyersQuery{
			{View: "channels"}, {View: "channels", RankBy: "new"}, {View: "channels", RankBy: "repeat"},
			{View: "channels", ContentKind: "video", TopN: 1}, {View: "channels", ContentKind: "live"},
		}, week)
		if len(computed) != 1 {
			t.Errorf("five rankings of one period in one request ran %d statements, want 1", len(computed))
		}
		if _, err := e.Buyers(shared, analytics.BuyersQuery{View: "channels"}, analytics.Period{From: day(5), To: day(11)}, 24*time.Hour); err != nil || len(computed) != 2 {
			t.Errorf("another period: %v, %d statements, want 2", err, len(computed))
		}
	})

	t.Run("products", func(t *testing.T) {
		f := run(t, analytics.BuyersQuery{View: "products"}, week)[0]
		wantColumn(t, f, "product_id", []any{"100", "101"})
		wantColumn(t, f, "product", []any{"Lipstick", "Lamp"})
		wantColumn(t, f, "category", []any{"beauty", "home"})
		wantColumn(t, f, "units", []any{int64(5), int64(2)})
		wantColumn(t, f, "new_revenue", []any{90.0, 40.0})
		wantColumn(t, f, "repeat_revenue", []any{50.0, 60.0})
		wantColumn(t, f, "revenue", []any{140.0, 100.0})
		wantColumn(t, f, "new_buyers", []any{int64(2), int64(1)})
		wantColumn(t, f, "repeat_buyers", []any{int64(1), int64(1)})
		wantColumn(t, f, "buyers", []any{int64(3), int64(2)})
		byRepeat := run(t, analytics.BuyersQuery{View: "products", RankBy: "repeat"}, week)[0]
		wantColumn(t, byRepeat, "product_id", []any{"101", "100"})
	})

	t.Run("profiles", func(t *testing.T) {
		q := func(group, dim string) *frameT {
			return run(t, analytics.BuyersQuery{View: "profile", Group: group, Dimension: dim}, week)[0]
		}
		f := q("", "age_band")
		wantColumn(t, f, "age_band", []any{"under 18", "18–24", "25–34", "35–44", "45–54", "55+", "unknown"})
		wantColumn(t, f, "customers", []any{int64(0), int64(0), int64(1), int64(1), int64(0), int64(1), int64(1)})
		wantColumn(t, f, "share", []any{0.0, 0.0, 0.25, 0.25, 0.0, 0.25, 0.25})

		f = q("all", "gender")
		wantColumn(t, f, "gender", []any{"female", "male", "other", "unknown"})
		wantColumn(t, f, "customers", []any{int64(2), int64(1), int64(0), int64(1)})
		f = q("new", "gender")
		wantColumn(t, f, "customers", []any{int64(1), int64(1), int64(0), int64(0)})
		wantColumn(t, f, "share", []any{0.5, 0.5, 0.0, 0.0})
		f = q("repeat", "gender")
		wantColumn(t, f, "customers", []any{int64(1), int64(0), int64(0), int64(1)})

		// c1's phone costs exactly 150: the band 150–300 holds its lower edge.
		f = q("", "device_price_band")
		wantColumn(t, f, "device_price_band", []any{"0–150", "150–300", "300–600", "600–1000", "1000+", "unknown"})
		wantColumn(t, f, "customers", []any{int64(1), int64(1), int64(0), int64(0), int64(1), int64(1)})

		f = q("", "country")
		wantColumn(t, f, "country", []any{"DE", "US", "unknown"})
		wantColumn(t, f, "customers", []any{int64(2), int64(1), int64(1)})
		f = q("", "region")
		wantColumn(t, f, "region", []any{"DE / BE", "DE / BY", "US / CA", "unknown"})
		wantColumn(t, f, "customers", []any{int64(1), int64(1), int64(1), int64(1)})

		// At the week's end: c2 followed in the week (new), c1 follows and viewed in the week
		// (active), c5 follows but viewed only in April (other), c3 unfollowed on 10 May.
		f = q("", "follower_status")
		wantColumn(t, f, "follower_status", []any{"new follower", "active follower", "other follower", "non-follower"})
		wantColumn(t, f, "customers", []any{int64(1), int64(1), int64(1), int64(1)})

		// Buyers' views in the week: c1 beauty, c2 beauty + tech; c5's April view and c4's view
		// (not a buyer) do not count.
		f = q("", "video_preference")
		wantColumn(t, f, "video_preference", []any{"beauty", "tech"})
		wantColumn(t, f, "views", []any{int64(2), int64(1)})
		wantColumn(t, f, "share", []any{2.0 / 3, 1.0 / 3})

		// The new buyers of the week are c2 (male, born 1990, DE / BE, a 1200 phone) and c5
		// (female, 1960, DE / BY, 80); the repeat ones c1 (female, 2000, US / CA, 150) and c3
		// (nothing known). In one request the profiles of one group by customer columns share
		// one statement and answer as alone; the other group runs its own.
		var computed []string
		shared := requestshare.With(ctx, func(k string) { computed = append(computed, k) })
		var qs []analytics.BuyersQuery
		for _, g := range []string{"new", "repeat"} {
			for _, d := range []string{"age_band", "device_price_band", "country", "region"} {
				qs = append(qs, analytics.BuyersQuery{View: "profile", Group: g, Dimension: d})
			}
		}
		fs := inOneRequest(t, shared, qs, week)
		wantColumn(t, fs[0], "customers", []any{int64(0), int64(0), int64(0), int64(1), int64(0), int64(1), int64(0)})
		wantColumn(t, fs[1], "customers", []any{int64(1), int64(0), int64(0), int64(0), int64(1), int64(0)})
		wantColumn(t, fs[2], "country", []any{"DE"})
		wantColumn(t, fs[2], "customers", []any{int64(2)})
		wantColumn(t, fs[3], "region", []any{"DE / BE", "DE / BY"})
		wantColumn(t, fs[4], "customers", []any{int64(0), int64(0), int64(1), int64(0), int64(0), int64(0), int64(1)})
		wantColumn(t, fs[5], "customers", []any{int64(0), int64(1), int64(0), int64(0), int64(0), int64(1)})
		wantColumn(t, fs[6], "country", []any{"US", "unknown"})
		wantColumn(t, fs[7], "region", []any{"US / CA", "unknown"})
		wantColumn(t, fs[7], "share", []any{0.5, 0.5})
		if len(computed) != 2 {
			t.Errorf("profiles of two groups in one request ran %d shared statements, want 2: %q", len(computed), computed)
		}
	})

	t.Run("empty period", func(t *testing.T) {
		empty := analytics.Period{From: day(20), To: day(27)}
		for _, q := range []analytics.BuyersQuery{{View: "channels"}, {View: "products"}} {
			if f := run(t, q, empty)[0]; f.Rows() != 0 {
				t.Errorf("%s: %d rows in an empty period", q.View, f.Rows())
			}
		}
		f := run(t, analytics.BuyersQuery{View: "profile", Dimension: "gender"}, empty)[0]
		wantColumn(t, f, "customers", []any{int64(0), int64(0), int64(0), int64(0)})
		wantColumn(t, f, "share", []any{nil, nil, nil, nil})
	})

	t.Run("bad input", func(t *testing.T) {
		for _, q := range []analytics.BuyersQuery{
			{View: "channels", TopN: -1}, {View: "channels", TopN: 5000}, {View: "channels", RankBy: "best"},
			{View: "channels", ContentKind: "podcast"}, {View: "products", RankBy: "x"},
			{View: "profile", Dimension: "shoe_size"}, {View: "profile", Dimension: "buyer_status"}, {View: "profile", Dimension: "gender", Group: "vip"},
			{View: "trend", Bucket: "fortnight"}, {View: "trend", Metric: "buyers"},
		} {
			if _, err := e.Buyers(ctx, q, week, 0); !analytics.IsQueryError(err) {
				t.Errorf("%+v: want a query error, got %v", q, err)
			}
		}
	})
}

func TestBuyersWithoutSocialTables(t *testing.T) {
	db := fixtureSQL(t, `DROP TABLE follows; DROP TABLE content_views;
INSERT INTO customers (customer_id, created_at) VALUES (1, '2025-01-01Z');
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total) VALUES (1, 1, '2026-05-05Z', true, 10);`)
	e := analytics.New(db, analytics.DefaultShop())
	week := analytics.Period{From: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC)}
	_, err := e.Buyers(context.Background(), analytics.BuyersQuery{View: "profile", Dimension: "follower_status"}, week, 0)
	if !analytics.IsQueryError(err) || !contains(err.Error(), `relation "follows" does not exist`) {
		t.Fatalf("want a clear error naming follows, got %v", err)
	}
	// The figures that need no social table still work.
	if _, err := e.Buyers(context.Background(), analytics.BuyersQuery{View: "profile", Dimension: "gender"}, week, 0); err != nil {
		t.Fatal(err)
	}
}

// A buyer's repeat purchases of one product or content are one buyer of it, in their class, in
// both forms of the rankings (the history form classifies each line from the new buyers' rows of
// order_history, the probe form joins the classified buyers). On top of buyersViewsFixture, in the
// same week: c2 (new) buys the Lipstick again through video 11, and c3 (repeat) buys two Lamp lines
// in one order through LIVE 10.
//
//	Lipstick: c1 repeat 50, c2 new 30 + 30, c5 new 60 → units 6, new 120 (2 buyers), repeat 50 (1)
//	Lamp:     c2 new 40, c3 repeat 60 + 10 + 10     → units 4, new 40 (1), repeat 80 (1)
//	LIVE 10:  c1 repeat 50, c3 repeat 60 + 20       → repeat 130 (2 buyers)
//	video 11: c2 new 30 + 30 → new 60 (1) · video 12: c5 new 60 (1); tied, by content id
func TestBuyersRankingsCountEachBuyerOnce(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, dsn, "SET search_path TO commerce;\n"+buyersViewsFixture+`
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total, channel, content_id) VALUES
  (10, 2, '2026-05-08 10:00Z', true, 30, 'video', 11),
  (11, 3, '2026-05-09 12:00Z', true, 20, 'live',  10);
INSERT INTO order_items VALUES (10, 100, 1, 30), (11, 101, 1, 10), (11, 101, 1, 10);`)
	e := analytics.New(openDB(t, dsn), analytics.DefaultShop())
	week := analytics.Period{From: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC)}
	check := func(history bool) func(t *testing.T) {
		return func(t *testing.T) {
			rank := func(q analytics.BuyersQuery) *frameT {
				t.Helper()
				frames, err := e.Buyers(context.Background(), q, week, 24*time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				if got := contains(frames[0].Meta.ExecutedQueryString, "order_history"); got != history {
					t.Fatalf("%s: the statement reads order_history: %v, want %v", q.View, got, history)
				}
				return frames[0]
			}
			f := rank(analytics.BuyersQuery{View: "products"})
			wantColumn(t, f, "product_id", []any{"100", "101"})
			wantColumn(t, f, "units", []any{int64(6), int64(4)})
			wantColumn(t, f, "new_revenue", []any{120.0, 40.0})
			wantColumn(t, f, "repeat_revenue", []any{50.0, 80.0})
			wantColumn(t, f, "revenue", []any{170.0, 120.0})
			wantColumn(t, f, "new_buyers", []any{int64(2), int64(1)})
			wantColumn(t, f, "repeat_buyers", []any{int64(1), int64(1)})
			wantColumn(t, f, "buyers", []any{int64(3), int64(2)})

			f = rank(analytics.BuyersQuery{View: "channels"})
			wantColumn(t, f, "content_id", []any{"10", "11", "12"})
			wantColumn(t, f, "new_revenue", []any{0.0, 60.0, 60.0})
			wantColumn(t, f, "repeat_revenue", []any{130.0, 0.0, 0.0})
			wantColumn(t, f, "new_buyers", []any{int64(0), int64(1), int64(1)})
			wantColumn(t, f, "repeat_buyers", []any{int64(2), int64(0), int64(0)})
			wantColumn(t, f, "buyers", []any{int64(2), int64(1), int64(1)})
		}
	}
	t.Run("from order_history", check(true))
	pgtest.Exec(t, dsn, "DROP TABLE commerce.order_history")
	t.Run("from orders", check(false))
}
