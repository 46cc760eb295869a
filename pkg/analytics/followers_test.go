package analytics_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/requestshare"
)

// The followers fixture, in a Tokyo shop (UTC+9, no daylight saving). P is the local week
// [Mon 9 Mar, Mon 16 Mar 2026); its previous period is the local week before, [2 Mar, 9 Mar).
// Accounts: 1 Alpha Official (content 11 video "fashion", 12 LIVE "beauty"), 2 Beta Channel
// (21 video "cooking", 22 LIVE "fashion"), 3 Gamma Channel (nothing). All times below are local.
//
//	c1   follows 1 since 2025 (profile); views 11 on 10 Mar and 12 on 4 Mar (and 11 exactly at `to`)
//	c2   re-follow: follows 1 in 2025, unfollows 10 Mar, follows again 12 Mar (video, 11)
//	c3   follows 1 since 2025 (live, 12) and unfollows on P's last day (15 Mar 20:00)
//	c4   follows 1 on 10 Mar (product_card) and unfollows exactly at `to`: still a follower
//	c5   follows 1 since 2025 (profile); views only account 2's content (21) in P
//	c6   follows 1 since 2025 (video, 11) and 2 since 11 Mar (live, 22): two accounts
//	c7   follows 2 at 00:30 on 9 Mar (video, 21): 8 Mar 15:30 UTC, before a UTC week
//	c8   follows 2 on 14 Mar (live, 22)
//	c9   follows 1 on 10 Mar (live, 12), unfollows 12 Mar: not a follower at `to`
//	c10  follows 2 on 13 Mar (no source)
//	c11  follows 2 since 5 Mar (search)
//	c12  follows 1 since 2024 (profile), views nothing
//
// Counted by hand, A = all accounts, at `to` (16 Mar 00:00):
//
//	followers: c1 c2 c4 c5 c6 c7 c8 c10 c11 c12                        = 10
//	new:       c2 c4 c6 c7 c8 c10 (a current follow started in P)      = 6, revenue 40+25+60+5 = 130
//	active:    c1 c5 c11 (old, viewed some content in P)               = 3, revenue 100+35     = 135
//	other:     c12                                                      = 1, revenue 10
//	total revenue 275 (c1's 500 and c6's 99 are invalid; c8's 15 is at `to`; c3's 70 is no follower's)
//
// Previous period, at 9 Mar 00:00: followers c1 c2 c3 c5 c6 c11 c12 = 7; new c11 = 1 (revenue 20,
// placed 23:00 on 8 Mar); active c1 (12 on 4 Mar) and c3 (11 at 23:30 on 8 Mar) = 2 (revenue 50);
// other revenue c12's 8: total 78.
//
// A = {1}: followers c1 c2 c4 c5 c6 c12 = 6; new c2 c4 = 2 (65); active c1 c6 = 2 (100+60 = 160;
// c5 viewed only account 2's content); total revenue 270. Previous: followers c1 c2 c3 c5 c6 c12 = 6,
// new 0, active c1 c3 = 2 (50), total revenue 58.
const followersFixture = `
INSERT INTO accounts (account_id, name, kind) VALUES
    (1, 'Alpha Official', 'official'), (2, 'Beta Channel', 'channel'), (3, 'Gamma Channel', 'channel');
INSERT INTO content (content_id, account_id, kind, title, category, published_at) VALUES
    (11, 1, 'video', 'Spring haul', 'fashion', '2026-01-10 10:00+09'),
    (12, 1, 'live', 'Friday LIVE', 'beauty', '2026-01-10 10:00+09'),
    (21, 2, 'video', 'Kitchen tips', 'cooking', '2026-01-10 10:00+09'),
    (22, 2, 'live', 'Style LIVE', 'fashion', '2026-01-10 10:00+09');
INSERT INTO customers (customer_id, created_at, birth_year, gender, country, region, device_price) VALUES
    (1, '2024-01-01Z', 1990, 'female', 'JP', 'Tokyo', 800),
    (2, '2024-01-01Z', 2000, 'male', 'JP', 'Osaka', 200),
    (3, '2024-01-01Z', 1985, 'female', 'JP', 'Tokyo', 500),
    (4, '2024-01-01Z', 2010, 'female', 'US', NULL, NULL),
    (5, '2024-01-01Z', 1960, 'other', 'JP', 'Tokyo', 1200),
    (6, '2024-01-01Z', 2003, 'female', 'JP', 'Tokyo', 450),
    (7, '2024-01-01Z', NULL, NULL, NULL, NULL, 100),
    (8, '2024-01-01Z', 1995, 'male', 'KR', 'Seoul', 650),
    (9, '2024-01-01Z', 1992, 'male', 'JP', 'Osaka', 300),
    (10, '2024-01-01Z', 1980, 'female', 'JP', 'Osaka', 300),
    (11, '2024-01-01Z', 1970, 'male', 'US', 'CA', 999),
    (12, '2024-01-01Z', 1999, 'female', 'JP', 'Tokyo', NULL);
INSERT INTO follows (account_id, customer_id, followed_at, unfollowed_at, source, content_id) VALUES
    (1, 1, '2025-06-01 10:00+09', NULL, 'profile', NULL),
    (1, 2, '2025-01-01 10:00+09', '2026-03-10 12:00+09', 'profile', NULL),
    (1, 2, '2026-03-12 10:00+09', NULL, 'video', 11),
    (1, 3, '2025-05-01 10:00+09', '2026-03-15 20:00+09', 'live', 12),
    (1, 4, '2026-03-10 09:00+09', '2026-03-16 00:00+09', 'product_card', NULL),
    (1, 5, '2025-02-01 10:00+09', NULL, 'profile', NULL),
    (1, 6, '2025-03-01 10:00+09', NULL, 'video', 11),
    (2, 6, '2026-03-11 18:00+09', NULL, 'live', 22),
    (2, 7, '2026-03-09 00:30+09', NULL, 'video', 21),
    (2, 8, '2026-03-14 20:00+09', NULL, 'live', 22),
    (1, 9, '2026-03-10 10:00+09', '2026-03-12 10:00+09', 'live', 12),
    (2, 10, '2026-03-13 08:00+09', NULL, NULL, NULL),
    (2, 11, '2026-03-05 15:00+09', NULL, 'search', NULL),
    (1, 12, '2024-07-01 10:00+09', NULL, 'profile', NULL);
INSERT INTO content_views (customer_id, content_id, viewed_at) VALUES
    (1, 11, '2026-03-10 12:00+09'),
    (1, 12, '2026-03-04 12:00+09'),
    (1, 11, '2026-03-16 00:00+09'),
    (2, 11, '2026-03-12 11:00+09'),
    (3, 11, '2026-03-10 13:00+09'),
    (3, 11, '2026-03-08 23:30+09'),
    (4, 21, '2026-03-11 12:00+09'),
    (5, 21, '2026-03-12 12:00+09'),
    (6, 12, '2026-03-14 12:00+09'),
    (7, 22, '2026-03-13 12:00+09'),
    (11, 21, '2026-03-15 12:00+09');
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total) VALUES
    (1, 1, '2026-03-03 12:00+09', true, 50),
    (2, 1, '2026-03-11 12:00+09', true, 100),
    (3, 1, '2026-03-12 12:00+09', false, 500),
    (4, 2, '2025-12-01 12:00+09', true, 30),
    (5, 2, '2026-03-13 12:00+09', true, 40),
    (6, 3, '2026-03-14 12:00+09', true, 70),
    (7, 4, '2026-03-11 12:00+09', true, 25),
    (8, 5, '2026-03-10 12:00+09', true, 35),
    (9, 6, '2026-01-15 12:00+09', false, 45),
    (10, 6, '2026-03-15 12:00+09', true, 60),
    (11, 6, '2026-03-15 13:00+09', false, 99),
    (12, 8, '2026-03-14 21:00+09', true, 5),
    (13, 8, '2026-03-16 00:00+09', true, 15),
    (14, 11, '2026-03-08 23:00+09', true, 20),
    (15, 12, '2026-03-05 12:00+09', true, 8),
    (16, 12, '2026-03-09 00:00+09', true, 10);
`

type followersEnv struct {
	db   *database.DB
	e    *analytics.Engine
	week analytics.Period
	loc  *time.Location
}

func newFollowersEnv(t *testing.T) followersEnv {
	tokyo := mustLoc(t, "Asia/Tokyo")
	shop := analytics.DefaultShop()
	shop.Location = tokyo
	shop.Currency = "JPY"
	db := fixtureSQL(t, followersFixture)
	return followersEnv{
		db:   db,
		e:    analytics.New(db, shop),
		week: analytics.Period{From: time.Date(2026, 3, 9, 0, 0, 0, 0, tokyo), To: time.Date(2026, 3, 16, 0, 0, 0, 0, tokyo)},
		loc:  tokyo,
	}
}

func (env followersEnv) run(t *testing.T, q analytics.FollowersQuery, p analytics.Period) *data.Frame {
	t.Helper()
	frames, err := env.e.Followers(context.Background(), q, p, 0)
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

func TestFollowersSummary(t *testing.T) {
	env := newFollowersEnv(t)

	t.Run("all accounts, previous period", func(t *testing.T) {
		f := env.run(t, analytics.FollowersQuery{}, env.week)
		wantColumn(t, f, "group", []any{"New followers", "Active followers", "Total followers"})
		wantColumn(t, f, "followers", []any{int64(6), int64(3), int64(10)})
		wantColumn(t, f, "follower_share", []any{0.6, 0.3, 1.0})
		wantColumn(t, f, "revenue", []any{130.0, 135.0, 275.0})
		wantColumn(t, f, "followers_previous", []any{int64(1), int64(2), int64(7)})
		wantColumn(t, f, "followers_change", []any{5.0, 0.5, 3.0 / 7})
		wantColumn(t, f, "follower_share_previous", []any{1.0 / 7, 2.0 / 7, 1.0})
		wantColumn(t, f, "revenue_previous", []any{20.0, 50.0, 78.0})
		wantColumn(t, f, "revenue_change", []any{5.5, 1.7, 275.0/78 - 1})
		wantFields(t, f, "group", "followers", "follower_share", "revenue", "followers_previous",
			"followers_change", "follower_share_previous", "revenue_previous", "revenue_change")
		wantConfig(t, f, "followers", "Followers", "short")
		wantConfig(t, f, "follower_share", "Share of followers", "percentunit")
		wantConfig(t, f, "revenue", "Revenue", "currencyJPY")
		wantConfig(t, f, "revenue_change", "Revenue change", "percentunit")
		meta := f.Meta.Custom.(map[string]string)
		if meta["comparison"] != "[2026-03-02T00:00:00+09:00, 2026-03-09T00:00:00+09:00)" || meta["accounts"] != "all" {
			t.Errorf("meta %v", meta)
		}
	})

	t.Run("one account", func(t *testing.T) {
		// c5 viewed only account 2's content: an other follower of account 1, not active.
		f := env.run(t, analytics.FollowersQuery{Accounts: []string{"1"}}, env.week)
		wantColumn(t, f, "followers", []any{int64(2), int64(2), int64(6)})
		wantColumn(t, f, "follower_share", []any{2.0 / 6, 2.0 / 6, 1.0})
		wantColumn(t, f, "revenue", []any{65.0, 160.0, 270.0})
		wantColumn(t, f, "followers_previous", []any{int64(0), int64(2), int64(6)})
		wantColumn(t, f, "followers_change", []any{nil, 0.0, 0.0})
		wantColumn(t, f, "follower_share_previous", []any{0.0, 2.0 / 6, 1.0})
		wantColumn(t, f, "revenue_previous", []any{0.0, 50.0, 58.0})
		wantColumn(t, f, "revenue_change", []any{nil, 160.0/50 - 1, 270.0/58 - 1})
		if got := f.Meta.Custom.(map[string]string)["accounts"]; got != "1" {
			t.Errorf("accounts meta %q", got)
		}
	})

	t.Run("no comparison", func(t *testing.T) {
		f := env.run(t, analytics.FollowersQuery{Comparison: analytics.NoComparison}, env.week)
		wantFields(t, f, "group", "followers", "follower_share", "revenue")
	})

	t.Run("UTC days", func(t *testing.T) {
		// The same calendar week in UTC ends at 09:00 on 16 Mar, Tokyo time: c4's unfollow at
		// 00:00 is then seen (no longer a follower), c7's follow at 00:30 on 9 Mar is before the
		// week (an old follower, active by viewing 22), c1 views 11 again inside it.
		// New c2 c6 c8 c10 = 4; active c1 c5 c7 c11 = 4; total 9.
		s := env.e.Shop()
		s.Location = time.UTC
		utc := followersEnv{e: analytics.New(env.db, s)}
		week := analytics.Period{From: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)}
		f := utc.run(t, analytics.FollowersQuery{Comparison: analytics.NoComparison}, week)
		wantColumn(t, f, "followers", []any{int64(4), int64(4), int64(9)})
	})

	t.Run("empty period", func(t *testing.T) {
		empty := analytics.Period{From: time.Date(2024, 1, 1, 0, 0, 0, 0, env.loc), To: time.Date(2024, 1, 8, 0, 0, 0, 0, env.loc)}
		f := env.run(t, analytics.FollowersQuery{}, empty)
		wantColumn(t, f, "followers", []any{int64(0), int64(0), int64(0)})
		wantColumn(t, f, "follower_share", []any{nil, nil, nil})
		wantColumn(t, f, "revenue", []any{0.0, 0.0, 0.0})
		wantColumn(t, f, "followers_change", []any{nil, nil, nil})
		wantColumn(t, f, "follower_share_previous", []any{nil, nil, nil})
		wantColumn(t, f, "revenue_change", []any{nil, nil, nil})
	})

	t.Run("one day equals its trend bucket", func(t *testing.T) {
		for _, accounts := range [][]string{nil, {"1"}, {"2"}} {
			trend := env.run(t, analytics.FollowersQuery{View: "trend", Bucket: "day", Comparison: analytics.NoComparison, Accounts: accounts}, env.week)
			for i := 0; i < 7; i++ {
				day := analytics.Period{From: env.week.From.AddDate(0, 0, i), To: env.week.From.AddDate(0, 0, i+1)}
				sum := env.run(t, analytics.FollowersQuery{Comparison: analytics.NoComparison, Accounts: accounts}, day)
				for row, name := range []string{"new_followers", "active_followers", "total_followers"} {
					field, _ := trend.FieldByName(name)
					if got, want := sum.Fields[1].At(row), field.At(i); got != want {
						t.Errorf("accounts %v, %s: summary %s = %v, trend bucket %v", accounts, day, name, got, want)
					}
				}
			}
		}
	})
}

func TestFollowersTrend(t *testing.T) {
	env := newFollowersEnv(t)

	t.Run("all accounts with the previous week", func(t *testing.T) {
		// Per local day of P (followers at the day's end; new: a current follow started that day;
		// active: older followers who viewed any content that day):
		//   9 Mar  c1 c2 c3 c5 c6 c7 c11 c12                  new c7        active -
		//  10 Mar  c1 c3 c4 c5 c6 c7 c9 c11 c12 (c2 left)     new c4 c9     active c1 c3
		//  11 Mar  same                                       new c6        active c4 (viewed 21)
		//  12 Mar  c1 c2 c3 c4 c5 c6 c7 c11 c12 (c9 left)     new c2        active c5
		//  13 Mar  + c10                                      new c10       active c7
		//  14 Mar  + c8                                       new c8        active c6
		//  15 Mar  - c3 (c4's unfollow at `to` is not seen)   new -         active c11
		// Previous week: c1 c2 c3 c5 c6 c12, c11 from 5 Mar (new); active c1 on 4 Mar, c3 on 8 Mar.
		f := env.run(t, analytics.FollowersQuery{View: "trend", Bucket: "day"}, env.week)
		wantFields(t, f, "time", "new_followers", "active_followers", "total_followers",
			"new_followers_previous", "active_followers_previous", "total_followers_previous")
		times := make([]any, 7)
		for i := range times {
			times[i] = env.week.From.AddDate(0, 0, i)
		}
		wantColumn(t, f, "time", times)
		wantInts(t, f, "new_followers", nil, 1, 2, 1, 1, 1, 1, 0)
		wantInts(t, f, "active_followers", nil, 0, 2, 1, 1, 1, 1, 1)
		wantInts(t, f, "total_followers", nil, 8, 9, 9, 9, 10, 11, 10)
		wantInts(t, f, "new_followers_previous", nil, 0, 0, 0, 1, 0, 0, 0)
		wantInts(t, f, "active_followers_previous", nil, 0, 0, 1, 0, 0, 0, 1)
		wantInts(t, f, "total_followers_previous", nil, 6, 6, 6, 7, 7, 7, 7)
		wantConfig(t, f, "total_followers", "Total followers", "short")
		wantConfig(t, f, "new_followers_previous", "New followers (previous)", "short")
		if f.Meta.PreferredVisualization != data.VisTypeGraph {
			t.Errorf("visualization %q", f.Meta.PreferredVisualization)
		}
		if ft := f.TimeSeriesSchema(); ft.Type != data.TimeSeriesTypeWide {
			t.Errorf("not a wide time series: %v", ft.Type)
		}
	})

	t.Run("per account", func(t *testing.T) {
		// Account 1 (Alpha Official): c4's view of 21 on 11 Mar and c5's of 21 on 12 Mar are
		// another account's content; c2's view on 12 Mar is a new follower's.
		//   new 0 2 0 1 0 0 0 · active 0 2 0 0 0 1 0 · total 6 7 7 7 7 7 6
		// Account 2 (Beta Channel): c11, then c7, c6, c10, c8.
		//   new 1 0 1 0 1 1 0 · active 0 0 0 0 1 0 1 · total 2 2 3 3 4 5 5
		// Account 3 (Gamma Channel): no followers, still listed.
		f := env.run(t, analytics.FollowersQuery{View: "trend", Bucket: "day", PerAccount: true, Comparison: analytics.NoComparison}, env.week)
		if len(f.Fields) != 1+3*3 {
			t.Fatalf("%d fields, want 10", len(f.Fields))
		}
		a1 := data.Labels{"account": "Alpha Official", "account_id": "1"}
		a2 := data.Labels{"account": "Beta Channel", "account_id": "2"}
		a3 := data.Labels{"account": "Gamma Channel", "account_id": "3"}
		wantInts(t, f, "new_followers", a1, 0, 2, 0, 1, 0, 0, 0)
		wantInts(t, f, "active_followers", a1, 0, 2, 0, 0, 0, 1, 0)
		wantInts(t, f, "total_followers", a1, 6, 7, 7, 7, 7, 7, 6)
		wantInts(t, f, "new_followers", a2, 1, 0, 1, 0, 1, 1, 0)
		wantInts(t, f, "active_followers", a2, 0, 0, 0, 0, 1, 0, 1)
		wantInts(t, f, "total_followers", a2, 2, 2, 3, 3, 4, 5, 5)
		wantInts(t, f, "new_followers", a3, 0, 0, 0, 0, 0, 0, 0)
		wantInts(t, f, "active_followers", a3, 0, 0, 0, 0, 0, 0, 0)
		wantInts(t, f, "total_followers", a3, 0, 0, 0, 0, 0, 0, 0)
		if got := f.Fields[1].Config.DisplayNameFromDS; got != "New followers (Alpha Official)" {
			t.Errorf("display name %q", got)
		}
		if ft := f.TimeSeriesSchema(); ft.Type != data.TimeSeriesTypeWide {
			t.Errorf("not a wide time series: %v", ft.Type)
		}
	})

	t.Run("per selected account with a 7-day offset", func(t *testing.T) {
		// Account 2 the week before: only c11, new on 5 Mar.
		f := env.run(t, analytics.FollowersQuery{View: "trend", Bucket: "day", PerAccount: true, Accounts: []string{"2"}, Comparison: analytics.Offset7Days}, env.week)
		if len(f.Fields) != 1+6 {
			t.Fatalf("%d fields, want 7", len(f.Fields))
		}
		a2 := data.Labels{"account": "Beta Channel", "account_id": "2"}
		wantInts(t, f, "new_followers", a2, 1, 0, 1, 0, 1, 1, 0)
		wantInts(t, f, "active_followers", a2, 0, 0, 0, 0, 1, 0, 1)
		wantInts(t, f, "total_followers", a2, 2, 2, 3, 3, 4, 5, 5)
		wantInts(t, f, "new_followers_previous", a2, 0, 0, 0, 1, 0, 0, 0)
		wantInts(t, f, "active_followers_previous", a2, 0, 0, 0, 0, 0, 0, 0)
		wantInts(t, f, "total_followers_previous", a2, 0, 0, 0, 1, 1, 1, 1)
		if got := f.Fields[4].Config.DisplayNameFromDS; got != "New followers (Beta Channel, previous)" {
			t.Errorf("display name %q", got)
		}
	})

	t.Run("comparison buckets are the buckets moved by the previous period", func(t *testing.T) {
		// March in week buckets: [1 Mar, 2 Mar) (clipped: 1 Mar is a Sunday), then Mondays 2, 9,
		// 16, 23 and 30 Mar (clipped at 1 Apr): 6 buckets. Each faces itself 31 days earlier
		// ([29 Jan, 30 Jan), [30 Jan, 6 Feb), ... [27 Feb, 1 Mar)); divided on its own, the
		// previous 31 days would have had 5 buckets and the last current one no partner.
		// Followers at the buckets' ends: 2 Mar 6, 9 Mar 7, 16 Mar 10, 23 Mar 9 (c4's unfollow at
		// 16 Mar 00:00 is seen by then), 30 Mar 9, 1 Apr 9; before March: c1 c2 c3 c5 c6 c12 = 6,
		// none new and no views.
		march := analytics.Period{From: time.Date(2026, 3, 1, 0, 0, 0, 0, env.loc), To: time.Date(2026, 4, 1, 0, 0, 0, 0, env.loc)}
		f := env.run(t, analytics.FollowersQuery{View: "trend", Bucket: "week"}, march)
		wantInts(t, f, "total_followers", nil, 6, 7, 10, 9, 9, 9)
		for name, want := range map[string]int64{"total_followers_previous": 6, "new_followers_previous": 0, "active_followers_previous": 0} {
			field, _ := f.FieldByName(name)
			for i := 0; i < 6; i++ {
				if v := field.At(i).(*int64); v == nil || *v != want {
					t.Errorf("%s[%d] = %v, want %d", name, i, v, want)
				}
			}
		}
	})
}

// TestFollowersTrendIslands pins how one customer's overlapping follows merge (the trend's
// window over each customer's follows), UTC days of 1–7 Mar 2026, all accounts. A follow is
// current at t when followed_at < t <= unfollowed_at.
//
//	c1  f1 account 1, 20 Feb → 3 Mar 12:00; f3 account 2, 25 Feb → 2 Mar 06:00 (inside f1);
//	    f2 account 1, 3 Mar 12:00 → 4 Mar 00:00 (starts where f1 ends); f4 account 2, 6 Mar 10:00 →
//	    follower at the ends of 1, 2, 3, 6, 7 Mar; new on 3 Mar (f2) and 6 Mar (f4)
//	c2  two identical follows, accounts 1 and 2, from 2 Mar 05:00: follower from 2 Mar; new 2 Mar
//	c3  4 Mar 01:00 → 02:00 (never at a day's end); 5 Mar 10:00 → 6 Mar 00:00 (ends at the day's
//	    end: still a follower then): follower at the end of 5 Mar only, new 5 Mar
//	c4  from 5 Mar 00:00, exactly a bucket start: not a follower at the end of 4 Mar; new 5 Mar
//
// Views: c1 on 3 Mar (new that day: not active), c2 on 4 Mar (active), c3 on 4 Mar (no follower at
// its end), c4 on 6 Mar (active).
//
// c5's follow has no account (the contract's column is NOT NULL; a shop's own table may allow
// it): no account's follow, so c5 is never a follower, in the trend or in the summary.
func TestFollowersTrendIslands(t *testing.T) {
	db := fixtureSQL(t, `
INSERT INTO accounts (account_id, name, kind) VALUES (1, 'One', 'official'), (2, 'Two', 'channel');
INSERT INTO content (content_id, account_id, kind, title, category, published_at) VALUES
    (11, 1, 'video', 'V', 'fashion', '2026-01-01Z'), (21, 2, 'live', 'L', 'beauty', '2026-01-01Z');
INSERT INTO customers (customer_id, created_at) VALUES (1, '2024-01-01Z'), (2, '2024-01-01Z'), (3, '2024-01-01Z'), (4, '2024-01-01Z'), (5, '2024-01-01Z');
ALTER TABLE follows ALTER COLUMN account_id DROP NOT NULL;
INSERT INTO follows (account_id, customer_id, followed_at, unfollowed_at, source, content_id) VALUES
    (1, 1, '2026-02-20 00:00Z', '2026-03-03 12:00Z', 'profile', NULL),
    (2, 1, '2026-02-25 00:00Z', '2026-03-02 06:00Z', 'profile', NULL),
    (1, 1, '2026-03-03 12:00Z', '2026-03-04 00:00Z', 'video', 11),
    (2, 1, '2026-03-06 10:00Z', NULL, 'live', 21),
    (1, 2, '2026-03-02 05:00Z', NULL, 'profile', NULL),
    (2, 2, '2026-03-02 05:00Z', NULL, 'profile', NULL),
    (1, 3, '2026-03-04 01:00Z', '2026-03-04 02:00Z', 'video', 11),
    (2, 3, '2026-03-05 10:00Z', '2026-03-06 00:00Z', 'live', 21),
    (1, 4, '2026-03-05 00:00Z', NULL, 'profile', NULL),
    (NULL, 5, '2026-02-01 00:00Z', NULL, 'profile', NULL);
INSERT INTO content_views (customer_id, content_id, viewed_at) VALUES
    (1, 11, '2026-03-03 13:00Z'), (2, 11, '2026-03-04 12:00Z'), (3, 21, '2026-03-04 01:30Z'), (4, 21, '2026-03-06 12:00Z');
`)
	e := analytics.New(db, analytics.DefaultShop())
	week := analytics.Period{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)}
	frames, err := e.Followers(context.Background(), analytics.FollowersQuery{View: "trend", Bucket: "day", Comparison: analytics.NoComparison}, week, 0)
	if err != nil {
		t.Fatal(err)
	}
	f := frames[0]
	wantInts(t, f, "total_followers", nil, 1, 2, 2, 1, 3, 3, 3)
	wantInts(t, f, "new_followers", nil, 0, 1, 1, 0, 2, 1, 0)
	wantInts(t, f, "active_followers", nil, 0, 0, 0, 1, 0, 1, 0)
	// Each day's summary, computed by the other statement, agrees.
	for i := range 7 {
		day := analytics.Period{From: week.From.AddDate(0, 0, i), To: week.From.AddDate(0, 0, i+1)}
		frames, err := e.Followers(context.Background(), analytics.FollowersQuery{Comparison: analytics.NoComparison}, day, 0)
		if err != nil {
			t.Fatal(err)
		}
		for row, field := range []string{"new_followers", "active_followers", "total_followers"} {
			trend, _ := f.FieldByName(field)
			if got, want := frames[0].Fields[1].At(row), trend.At(i); got != want {
				t.Errorf("%s on %s: summary %v, trend %v", field, day.From.Format("2 Jan"), got, want)
			}
		}
	}
}

func TestFollowersChannels(t *testing.T) {
	env := newFollowersEnv(t)
	sources := []any{"video", "live", "product_card", "profile", "unknown"}

	t.Run("new followers by source", func(t *testing.T) {
		// The follows that made c2 (video), c4 (product_card), c6 (live, account 2), c7 (video),
		// c8 (live) and c10 (no source) new.
		f := env.run(t, analytics.FollowersQuery{View: "channels"}, env.week)
		wantFields(t, f, "source", "followers", "share")
		wantColumn(t, f, "source", sources)
		wantColumn(t, f, "followers", []any{int64(2), int64(2), int64(1), int64(0), int64(1)})
		wantColumn(t, f, "share", []any{2.0 / 6, 2.0 / 6, 1.0 / 6, 0.0, 1.0 / 6})
		wantConfig(t, f, "followers", "New followers", "short")
		wantConfig(t, f, "share", "Share of new followers", "percentunit")
	})

	t.Run("new followers of one account by source", func(t *testing.T) {
		// Account 1: c2 (re-follow from video 11) and c4 (product card).
		f := env.run(t, analytics.FollowersQuery{View: "channels", Group: "new", Channel: "source", Accounts: []string{"1"}}, env.week)
		wantColumn(t, f, "source", sources)
		wantColumn(t, f, "followers", []any{int64(1), int64(0), int64(1), int64(0), int64(0)})
		wantColumn(t, f, "share", []any{0.5, 0.0, 0.5, 0.0, 0.0})
	})

	t.Run("active followers by source", func(t *testing.T) {
		// c1 and c5 (profile), c11 (search, a source the contract does not name).
		f := env.run(t, analytics.FollowersQuery{View: "channels", Group: "active"}, env.week)
		wantColumn(t, f, "source", []any{"video", "live", "product_card", "profile", "search", "unknown"})
		wantColumn(t, f, "followers", []any{int64(0), int64(0), int64(0), int64(2), int64(1), int64(0)})
		wantColumn(t, f, "share", []any{0.0, 0.0, 0.0, 2.0 / 3, 1.0 / 3, 0.0})
		wantConfig(t, f, "followers", "Active followers", "short")
		wantConfig(t, f, "share", "Share of active followers", "percentunit")
	})

	t.Run("active followers of one account by source", func(t *testing.T) {
		// Account 1: c1 (profile) and c6 (video, its account-1 follow).
		f := env.run(t, analytics.FollowersQuery{View: "channels", Group: "active", Accounts: []string{"1"}}, env.week)
		wantColumn(t, f, "followers", []any{int64(1), int64(0), int64(0), int64(1), int64(0)})
	})

	t.Run("content that brought new followers", func(t *testing.T) {
		// 22: c6 and c8; 11: c2's re-follow; 21: c7. c9's follow from 12 ended in P. 11 and 21
		// tie: by content id.
		f := env.run(t, analytics.FollowersQuery{View: "channels", Channel: "content"}, env.week)
		wantFields(t, f, "content_id", "title", "kind", "account", "new_followers")
		wantColumn(t, f, "content_id", []any{"22", "11", "21"})
		wantColumn(t, f, "title", []any{"Style LIVE", "Spring haul", "Kitchen tips"})
		wantColumn(t, f, "kind", []any{"live", "video", "video"})
		wantColumn(t, f, "account", []any{"Beta Channel", "Alpha Official", "Beta Channel"})
		wantColumn(t, f, "new_followers", []any{int64(2), int64(1), int64(1)})
		wantConfig(t, f, "new_followers", "New followers", "short")

		f = env.run(t, analytics.FollowersQuery{View: "channels", Channel: "content", ContentKind: "video"}, env.week)
		wantColumn(t, f, "content_id", []any{"11", "21"})
		f = env.run(t, analytics.FollowersQuery{View: "channels", Channel: "content", TopN: 2}, env.week)
		wantColumn(t, f, "content_id", []any{"22", "11"})
		f = env.run(t, analytics.FollowersQuery{View: "channels", Channel: "content", Accounts: []string{"2"}}, env.week)
		wantColumn(t, f, "content_id", []any{"22", "21"})
		wantColumn(t, f, "new_followers", []any{int64(2), int64(1)})
	})

	t.Run("content active followers viewed", func(t *testing.T) {
		// All accounts: c5 and c11 viewed 21, c1 viewed 11 (its view at `to` is out).
		f := env.run(t, analytics.FollowersQuery{View: "channels", Group: "active", Channel: "viewed_content"}, env.week)
		wantFields(t, f, "content_id", "title", "kind", "account", "active_followers", "views")
		wantColumn(t, f, "content_id", []any{"21", "11"})
		wantColumn(t, f, "title", []any{"Kitchen tips", "Spring haul"})
		wantColumn(t, f, "kind", []any{"video", "video"})
		wantColumn(t, f, "account", []any{"Beta Channel", "Alpha Official"})
		wantColumn(t, f, "active_followers", []any{int64(2), int64(1)})
		wantColumn(t, f, "views", []any{int64(2), int64(1)})
		wantConfig(t, f, "active_followers", "Active followers", "short")

		// Account 1: active c1 (viewed 11) and c6 (viewed 12): a tie, by content id; c5's view of
		// 21 is another account's content.
		f = env.run(t, analytics.FollowersQuery{View: "channels", Group: "active", Channel: "viewed_content", Accounts: []string{"1"}}, env.week)
		wantColumn(t, f, "content_id", []any{"11", "12"})
		wantColumn(t, f, "active_followers", []any{int64(1), int64(1)})
		wantColumn(t, f, "views", []any{int64(1), int64(1)})
		f = env.run(t, analytics.FollowersQuery{View: "channels", Group: "active", Channel: "viewed_content", Accounts: []string{"1"}, ContentKind: "live"}, env.week)
		wantColumn(t, f, "content_id", []any{"12"})
	})

	t.Run("empty period", func(t *testing.T) {
		empty := analytics.Period{From: time.Date(2024, 1, 1, 0, 0, 0, 0, env.loc), To: time.Date(2024, 1, 8, 0, 0, 0, 0, env.loc)}
		f := env.run(t, analytics.FollowersQuery{View: "channels"}, empty)
		wantColumn(t, f, "followers", []any{int64(0), int64(0), int64(0), int64(0), int64(0)})
		wantColumn(t, f, "share", []any{nil, nil, nil, nil, nil})
		f = env.run(t, analytics.FollowersQuery{View: "channels", Channel: "content"}, empty)
		wantColumn(t, f, "content_id", []any{})
	})
}

func TestFollowersProfile(t *testing.T) {
	env := newFollowersEnv(t)
	// New followers (all accounts): c2 c4 c6 c7 c8 c10; active: c1 c5 c11. Ages as of 2026.
	for _, tc := range []struct {
		name   string
		q      analytics.FollowersQuery
		values []any
		counts []int64
	}{
		// c4 16, c6 23, c2 26 and c8 31, c10 46, c7 unknown.
		{"new by age", analytics.FollowersQuery{Dimension: "age_band"},
			[]any{"under 18", "18–24", "25–34", "35–44", "45–54", "55+", "unknown"}, []int64{1, 1, 2, 0, 1, 0, 1}},
		{"new by gender", analytics.FollowersQuery{Group: "new", Dimension: "gender"},
			[]any{"female", "male", "other", "unknown"}, []int64{3, 2, 0, 1}},
		{"active by gender", analytics.FollowersQuery{Group: "active", Dimension: "gender"},
			[]any{"female", "male", "other", "unknown"}, []int64{1, 1, 1, 0}},
		// c7 100, c2 200, c6 450 and c10 300 (an edge: the upper band), c8 650, c4 unknown.
		{"new by device price", analytics.FollowersQuery{Dimension: "device_price_band"},
			[]any{"0–150", "150–300", "300–600", "600–1000", "1000+", "unknown"}, []int64{1, 1, 2, 1, 0, 1}},
		{"new by country", analytics.FollowersQuery{Dimension: "country"},
			[]any{"JP", "KR", "US", "unknown"}, []int64{3, 1, 1, 1}},
		{"new by region", analytics.FollowersQuery{Dimension: "region"},
			[]any{"JP / Osaka", "JP / Tokyo", "KR / Seoul", "unknown"}, []int64{2, 1, 1, 2}},
		// c2 bought in December (repeat); c4, c6 (its January order is invalid), c8 new buyers;
		// c7 and c10 never bought.
		{"new by buyer status", analytics.FollowersQuery{Dimension: "buyer_status"},
			[]any{"new buyer", "repeat buyer", "non-purchasing"}, []int64{3, 1, 2}},
		// c1 repeat (3 Mar), c5 new, c11 bought only in the previous week.
		{"active by buyer status", analytics.FollowersQuery{Group: "active", Dimension: "buyer_status"},
			[]any{"new buyer", "repeat buyer", "non-purchasing"}, []int64{1, 1, 1}},
		{"active of account 1 by buyer status", analytics.FollowersQuery{Group: "active", Dimension: "buyer_status", Accounts: []string{"1"}},
			[]any{"new buyer", "repeat buyer", "non-purchasing"}, []int64{1, 1, 0}},
		// Views in P of any content: c2 11, c7 22 (fashion), c6 12 (beauty), c4 21 (cooking).
		{"new by video preference", analytics.FollowersQuery{Dimension: "video_preference"},
			[]any{"fashion", "beauty", "cooking"}, []int64{2, 1, 1}},
		{"active by video preference", analytics.FollowersQuery{Group: "active", Dimension: "video_preference"},
			[]any{"cooking", "fashion"}, []int64{2, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.View = "profile"
			f := env.run(t, tc.q, env.week)
			if f.Name != "followers_profile" {
				t.Errorf("frame name %q", f.Name)
			}
			dim := tc.q.Dimension
			countName := "customers"
			if dim == "video_preference" {
				countName = "views"
			}
			wantFields(t, f, dim, countName, "share")
			wantColumn(t, f, dim, tc.values)
			var total int64
			counts := make([]any, len(tc.counts))
			for i, n := range tc.counts {
				counts[i], total = n, total+n
			}
			wantColumn(t, f, countName, counts)
			shares := make([]any, len(tc.counts))
			for i, n := range tc.counts {
				shares[i] = float64(n) / float64(total)
			}
			wantColumn(t, f, "share", shares)
		})
	}
	t.Run("one request", func(t *testing.T) {
		// The profiles by a customer column of one group, account set and period share one
		// statement (a dashboard's four), and each answers as it does alone; another group or
		// account set is another statement, and the social dimensions have their own.
		var computed []string
		shared := requestshare.With(context.Background(), func(k string) { computed = append(computed, k) })
		for _, q := range []analytics.FollowersQuery{
			{Dimension: "age_band"}, {Dimension: "gender"}, {Dimension: "device_price_band"},
			{Dimension: "country"}, {Dimension: "region"}, {Dimension: "buyer_status"},
			{Group: "active", Dimension: "gender"}, {Group: "active", Dimension: "country"},
			{Group: "active", Dimension: "gender", Accounts: []string{"1"}},
		} {
			q.View = "profile"
			got, err := env.e.Followers(shared, q, env.week, 0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := frameDiff(got[0], env.run(t, q, env.week)); diff != "" {
				t.Errorf("%+v in one request: %s", q, diff)
			}
		}
		if len(computed) != 3 {
			t.Errorf("profiles of three groups or account sets in one request ran %d shared statements, want 3: %q", len(computed), computed)
		}
	})
}

func TestFollowersBadInput(t *testing.T) {
	env := newFollowersEnv(t)
	week := env.week
	for name, tc := range map[string]struct {
		q    analytics.FollowersQuery
		p    analytics.Period
		want string
	}{
		"unknown view":           {analytics.FollowersQuery{View: "nope"}, week, "use summary, trend, channels or profile"},
		"unknown comparison":     {analytics.FollowersQuery{Comparison: "yesterday"}, week, "use previous_period"},
		"trend comparison":       {analytics.FollowersQuery{View: "trend", Comparison: "yesterday"}, week, "use previous_period"},
		"unknown bucket":         {analytics.FollowersQuery{View: "trend", Bucket: "fortnight"}, week, "use auto, hour"},
		"unknown group":          {analytics.FollowersQuery{View: "channels", Group: "repeat"}, week, "use new or active"},
		"profile group":          {analytics.FollowersQuery{View: "profile", Group: "all", Dimension: "gender"}, week, "use new or active"},
		"unknown channel":        {analytics.FollowersQuery{View: "channels", Channel: "email"}, week, "use source, content"},
		"content for active":     {analytics.FollowersQuery{View: "channels", Group: "active", Channel: "content"}, week, "use group new"},
		"viewed for new":         {analytics.FollowersQuery{View: "channels", Channel: "viewed_content"}, week, "use group active"},
		"content kind":           {analytics.FollowersQuery{View: "channels", Channel: "content", ContentKind: "story"}, week, "use live, video"},
		"top N negative":         {analytics.FollowersQuery{View: "channels", Channel: "content", TopN: -1}, week, "use 1 to 1000"},
		"top N too large":        {analytics.FollowersQuery{View: "channels", Group: "active", Channel: "viewed_content", TopN: 1001}, week, "use 1 to 1000"},
		"unknown dimension":      {analytics.FollowersQuery{View: "profile", Dimension: "follower_status"}, week, "age_band, buyer_status, country"},
		"missing dimension":      {analytics.FollowersQuery{View: "profile"}, week, "use one of"},
		"empty account id":       {analytics.FollowersQuery{Accounts: []string{"1", ""}}, week, "account id is empty"},
		"reversed range":         {analytics.FollowersQuery{}, analytics.Period{From: week.To, To: week.From}, "empty or reversed"},
		"empty range":            {analytics.FollowersQuery{View: "trend"}, analytics.Period{From: week.From, To: week.From}, "empty or reversed"},
		"missing range":          {analytics.FollowersQuery{View: "channels"}, analytics.Period{}, "time range is missing"},
		"too many buckets":       {analytics.FollowersQuery{View: "trend", Bucket: "hour"}, analytics.Period{From: week.From.AddDate(-1, 0, 0), To: week.To}, "more than 5000 buckets"},
		"unknown dimension name": {analytics.FollowersQuery{View: "profile", Dimension: "zodiac"}, week, "unknown dimension \"zodiac\""},
	} {
		_, err := env.e.Followers(context.Background(), tc.q, tc.p, 0)
		if !analytics.IsQueryError(err) {
			t.Errorf("%s: want a query error, got %v", name, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %q does not say %q", name, err, tc.want)
		}
	}
}

func TestFollowersWithoutSocialRelations(t *testing.T) {
	db := fixtureSQL(t, `DROP TABLE follows, content_views, content, accounts;`)
	e := analytics.New(db, analytics.DefaultShop())
	week := analytics.Period{From: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)}
	for _, q := range []analytics.FollowersQuery{
		{},
		{View: "trend", PerAccount: true},
		{View: "channels"},
		{View: "channels", Channel: "content"},
		{View: "channels", Group: "active", Channel: "viewed_content"},
		{View: "profile", Dimension: "age_band"},
	} {
		_, err := e.Followers(context.Background(), q, week, 0)
		if !analytics.IsQueryError(err) {
			t.Errorf("%+v: want a query error, got %v", q, err)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "does not exist in the contract schema") || !strings.Contains(msg, `relation "`) {
			t.Errorf("%+v: %s", q, msg)
		}
	}
}

// wantFields checks a frame's field names, in order.
func wantFields(t *testing.T, f *data.Frame, names ...string) {
	t.Helper()
	var got []string
	for _, fl := range f.Fields {
		got = append(got, fl.Name)
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("fields %v, want %v", got, names)
	}
}

// wantConfig checks a field's display name and unit.
func wantConfig(t *testing.T, f *data.Frame, name, display, unit string) {
	t.Helper()
	field, _ := f.FieldByName(name)
	if field == nil {
		t.Errorf("field %s missing", name)
		return
	}
	if field.Config == nil || field.Config.DisplayNameFromDS != display || field.Config.Unit != unit {
		t.Errorf("%s: config %+v, want %q in %q", name, field.Config, display, unit)
	}
}

// wantInts compares the counts of the field with this name and labels (nil: none), nullable or
// not, with want.
func wantInts(t *testing.T, f *data.Frame, name string, labels data.Labels, want ...int64) {
	t.Helper()
	var field *data.Field
	for _, fl := range f.Fields {
		if fl.Name == name && fl.Labels.Equals(labels) {
			field = fl
		}
	}
	if field == nil {
		t.Errorf("field %s %v missing", name, labels)
		return
	}
	got := make([]int64, field.Len())
	for i := range got {
		switch v := field.At(i).(type) {
		case int64:
			got[i] = v
		case *int64:
			if v == nil {
				t.Errorf("%s %v [%d] is null", name, labels, i)
				continue
			}
			got[i] = *v
		}
	}
	if len(got) != len(want) {
		t.Errorf("%s %v: %v, want %v", name, labels, got, want)
		return
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s %v: %v, want %v", name, labels, got, want)
			return
		}
	}
}
