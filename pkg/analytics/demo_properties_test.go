package analytics_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// Properties that must hold on any shop, checked on a 3k-customer demo shop against independent
// SQL written here (not the engine's statements).
func TestDemoShopProperties(t *testing.T) {
	dsn := pgtest.WithDatabase(pgtest.AdminDSN(t), pgtest.DemoTemplate(t, 3000, nil))
	db := openDB(t, dsn)
	e := analytics.New(db, analytics.DefaultShop())
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
	month := analytics.Period{From: end.AddDate(0, -1, 0), To: end}

	t.Run("buyers summary against independent SQL", func(t *testing.T) {
		f := first(t)(e.Buyers(ctx, analytics.BuyersQuery{}, month, 0))
		// All buyers and revenue: a plain scan.
		all := scalar(`SELECT count(DISTINCT customer_id) FROM commerce.orders WHERE is_valid AND placed_at >= $1 AND placed_at < $2`, month.From, month.To)
		rev := scalar(`SELECT sum(total)::float8 FROM commerce.orders WHERE is_valid AND placed_at >= $1 AND placed_at < $2`, month.From, month.To)
		// New buyers, formulated differently: the last valid order before the period is missing or
		// older than 365 local days.
		newB := scalar(`
SELECT count(*) FROM (
  SELECT o.customer_id
  FROM commerce.orders o
  WHERE o.is_valid AND o.placed_at >= $1 AND o.placed_at < $2
  GROUP BY o.customer_id
  HAVING coalesce((SELECT max(p.placed_at) FROM commerce.orders p
                   WHERE p.customer_id = o.customer_id AND p.is_valid AND p.placed_at < $1), '-infinity') < $1 - interval '365 days'
) x`, month.From, month.To)
		wantColumn(t, f, "buyers", []any{int64(newB), int64(all - newB), int64(all)})
		if got := f.Fields[3].At(2).(float64); math.Abs(got-rev) > 0.005 {
			t.Errorf("revenue %v, independent %v", got, rev)
		}
		if all < 100 || newB < 10 || all-newB < 10 {
			t.Fatalf("the demo shop's month is too thin to test: %v buyers, %v new", all, newB)
		}
		sumShares(t, f, "buyer_share", 2)
		sumShares(t, f, "revenue_share", 2)
	})

	t.Run("one-day summaries equal the daily trend's buckets", func(t *testing.T) {
		week := analytics.Period{From: end.AddDate(0, 0, -7), To: end}
		trend := first(t)(e.Buyers(ctx, analytics.BuyersQuery{View: "trend", Bucket: "day", Comparison: "none"}, week, 0))
		var revenue float64
		for i := 0; i < 7; i++ {
			day := analytics.Period{From: week.From.AddDate(0, 0, i), To: week.From.AddDate(0, 0, i+1)}
			s := first(t)(e.Buyers(ctx, analytics.BuyersQuery{Comparison: "none"}, day, 0))
			wantEqual(t, "new buyers", s.Fields[1].At(0), trend.Fields[1].At(i))
			wantEqual(t, "repeat buyers", s.Fields[1].At(1), trend.Fields[2].At(i))
			wantClose(t, "new revenue", s.Fields[3].At(0).(float64), trend.Fields[3].At(i).(float64))
			revenue += trend.Fields[3].At(i).(float64) + trend.Fields[4].At(i).(float64)
		}
		// Revenue adds up over buckets (buyer counts need not: a buyer may buy on several days).
		wantClose(t, "week revenue", revenue, scalar(`SELECT sum(total)::float8 FROM commerce.orders WHERE is_valid AND placed_at >= $1 AND placed_at < $2`, week.From, week.To))
	})

	t.Run("weekly trend equals per-period counts", func(t *testing.T) {
		// The trend's one-pass statement against the per-period statement, bucket by bucket,
		// over half a year of weeks (buckets clipped at both ends).
		half := analytics.Period{From: end.AddDate(0, -6, 0).Add(36 * time.Hour), To: end.Add(-5 * time.Hour)}
		buckets, err := analytics.DefaultShop().Buckets(half, "week", 0)
		if err != nil {
			t.Fatal(err)
		}
		want, err := e.BuyerCountsFor(ctx, buckets)
		if err != nil {
			t.Fatal(err)
		}
		tr := first(t)(e.Buyers(ctx, analytics.BuyersQuery{View: "trend", Bucket: "week", Comparison: "none"}, half, 0))
		if tr.Rows() != len(buckets) {
			t.Fatalf("%d trend rows, %d buckets", tr.Rows(), len(buckets))
		}
		for i, w := range want {
			wantEqual(t, fmt.Sprintf("week %d new", i), tr.Fields[1].At(i), w.New.Buyers)
			wantEqual(t, fmt.Sprintf("week %d repeat", i), tr.Fields[2].At(i), w.Repeat.Buyers)
			wantClose(t, fmt.Sprintf("week %d repeat revenue", i), tr.Fields[4].At(i).(float64), w.Repeat.Revenue)
		}
	})

	t.Run("profiles and channels add up", func(t *testing.T) {
		s := first(t)(e.Buyers(ctx, analytics.BuyersQuery{}, month, 0))
		for gi, g := range []string{"new", "repeat", "all"} {
			size := s.Fields[1].At(gi).(int64)
			for _, d := range []string{"age_band", "gender", "follower_status", "device_price_band", "country", "region"} {
				f := first(t)(e.Buyers(ctx, analytics.BuyersQuery{View: "profile", Group: g, Dimension: d}, month, 0))
				var n int64
				for i := 0; i < f.Rows(); i++ {
					n += f.Fields[1].At(i).(int64)
				}
				if n != size {
					t.Errorf("%s buyers by %s sum to %d, want %d", g, d, n, size)
				}
				sumShares(t, f, "share", f.Rows())
			}
		}
		ch := first(t)(e.Buyers(ctx, analytics.BuyersQuery{View: "channels", TopN: 1000}, month, 0))
		var rev float64
		for i := 0; i < ch.Rows(); i++ {
			rev += ch.Fields[6].At(i).(float64)
			wantClose(t, "new + repeat revenue", ch.Fields[4].At(i).(float64)+ch.Fields[5].At(i).(float64), ch.Fields[6].At(i).(float64))
		}
		wantClose(t, "content revenue", rev, scalar(`SELECT coalesce(sum(o.total), 0)::float8 FROM commerce.orders o JOIN commerce.content c USING (content_id)
WHERE o.is_valid AND o.placed_at >= $1 AND o.placed_at < $2`, month.From, month.To))
		pr := first(t)(e.Buyers(ctx, analytics.BuyersQuery{View: "products", TopN: 1000}, month, 0))
		rev = 0
		for i := 0; i < pr.Rows(); i++ {
			rev += pr.Fields[6].At(i).(float64)
		}
		wantClose(t, "product revenue", rev, scalar(`SELECT sum(i.quantity * i.unit_price)::float8 FROM commerce.orders o JOIN commerce.order_items i USING (order_id)
WHERE o.is_valid AND o.placed_at >= $1 AND o.placed_at < $2`, month.From, month.To))
	})

	t.Run("followers", func(t *testing.T) {
		f := first(t)(e.Followers(ctx, analytics.FollowersQuery{}, month, 0))
		total := scalar(`SELECT count(DISTINCT customer_id) FROM commerce.follows WHERE followed_at < $1 AND (unfollowed_at IS NULL OR unfollowed_at >= $1)`, month.To)
		newF := scalar(`SELECT count(DISTINCT customer_id) FROM commerce.follows WHERE followed_at >= $1 AND followed_at < $2 AND (unfollowed_at IS NULL OR unfollowed_at >= $2)`, month.From, month.To)
		wantEqual(t, "total followers", f.Fields[1].At(2), int64(total))
		wantEqual(t, "new followers", f.Fields[1].At(0), int64(newF))
		newN, active := f.Fields[1].At(0).(int64), f.Fields[1].At(1).(int64)
		if newN == 0 || active == 0 || newN+active > int64(total) {
			t.Errorf("new %d + active %d must be positive and disjoint within total %v", newN, active, total)
		}
		// Active followers, independently: current followers at the end with no current follow
		// started in the month, who viewed some content in the month.
		activeInd := scalar(`
SELECT count(*) FROM (
  SELECT customer_id FROM commerce.follows
  WHERE followed_at < $2 AND (unfollowed_at IS NULL OR unfollowed_at >= $2)
  GROUP BY customer_id
  HAVING max(followed_at) < $1
) f
WHERE EXISTS (SELECT 1 FROM commerce.content_views v WHERE v.customer_id = f.customer_id AND v.viewed_at >= $1 AND v.viewed_at < $2)`, month.From, month.To)
		wantEqual(t, "active followers", active, int64(activeInd))
		sumShares(t, f, "follower_share", 2) // new + active ≤ total; check the two rows are shares of it

		// The trend counts the same groups another way (islands of follows): each day's bucket
		// must equal that day's summary, for all accounts and for one.
		week := analytics.Period{From: end.AddDate(0, 0, -7), To: end}
		for _, accounts := range [][]string{nil, {"2"}} {
			tr := first(t)(e.Followers(ctx, analytics.FollowersQuery{View: "trend", Bucket: "day", Comparison: "none", Accounts: accounts}, week, 0))
			for i := 0; i < 7; i++ {
				day := analytics.Period{From: week.From.AddDate(0, 0, i), To: week.From.AddDate(0, 0, i+1)}
				s := first(t)(e.Followers(ctx, analytics.FollowersQuery{Comparison: "none", Accounts: accounts}, day, 0))
				for g := 0; g < 3; g++ {
					wantEqual(t, fmt.Sprintf("accounts %v day %d group %d", accounts, i, g), tr.Fields[1+g].At(i), s.Fields[1].At(g))
				}
			}
		}
	})
}

func first(t *testing.T) func(data.Frames, error) *data.Frame {
	return func(fs data.Frames, err error) *data.Frame {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return fs[0]
	}
}

// sumShares checks that the first n rows of a share field add up to 1 (or, for follower shares of
// new and active, at most 1).
func sumShares(t *testing.T, f *data.Frame, name string, n int) {
	t.Helper()
	field, _ := f.FieldByName(name)
	var sum float64
	for i := 0; i < n; i++ {
		if p := field.At(i).(*float64); p != nil {
			sum += *p
		}
	}
	if name == "follower_share" {
		if sum > 1+1e-9 {
			t.Errorf("%s sums to %v > 1", name, sum)
		}
		return
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("%s sums to %v, want 1", name, sum)
	}
}

func wantEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func wantClose(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 0.005 {
		t.Errorf("%s = %.2f, want %.2f", what, got, want)
	}
}
