package analytics_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// benchCustomers is the demo shop size of the benchmarks (BENCH_CUSTOMERS, default 100k).
func benchCustomers() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_CUSTOMERS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// benchEngine reads the demo shop's template database directly (benchmarks only read).
func benchEngine(b *testing.B) *analytics.Engine {
	b.Helper()
	e := analytics.New(benchDB(b), analytics.DefaultShop())
	b.Cleanup(e.Close)
	return e
}

// benchDB opens the demo shop's template database.
func benchDB(b *testing.B) *database.DB {
	b.Helper()
	name := pgtest.DemoTemplate(b, benchCustomers(), os.Stderr)
	return openDB(b, pgtest.WithDatabase(pgtest.AdminDSN(b), name))
}

func lastDays(days int) analytics.Period {
	return analytics.Period{From: pgtest.DemoEnd.AddDate(0, 0, -days), To: pgtest.DemoEnd}
}

// BenchmarkBuyers prints the latency of each buyers view on the demo shop (ms/op).
func BenchmarkBuyers(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		q    analytics.BuyersQuery
		p    analytics.Period
	}{
		{"summary/7d", analytics.BuyersQuery{}, lastDays(7)},
		{"summary/365d", analytics.BuyersQuery{}, lastDays(365)},
		{"trend/30d-daily", analytics.BuyersQuery{View: "trend", Bucket: "day"}, lastDays(30)},
		{"trend/365d-weekly", analytics.BuyersQuery{View: "trend", Bucket: "week"}, lastDays(365)},
		{"channels/30d", analytics.BuyersQuery{View: "channels"}, lastDays(30)},
		{"products/30d", analytics.BuyersQuery{View: "products"}, lastDays(30)},
		{"profile/age_band/30d", analytics.BuyersQuery{View: "profile", Dimension: "age_band"}, lastDays(30)},
		{"profile/follower_status/30d", analytics.BuyersQuery{View: "profile", Dimension: "follower_status"}, lastDays(30)},
		{"profile/video_preference/30d", analytics.BuyersQuery{View: "profile", Dimension: "video_preference"}, lastDays(30)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := e.Buyers(ctx, bc.q, bc.p, 24*time.Hour); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
		})
	}
}

// BenchmarkFollowers prints the latency of each followers view on the demo shop (ms/op).
func BenchmarkFollowers(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		q    analytics.FollowersQuery
		p    analytics.Period
	}{
		{"summary/7d", analytics.FollowersQuery{}, lastDays(7)},
		{"summary/30d/one-account", analytics.FollowersQuery{Accounts: []string{"2"}}, lastDays(30)},
		{"trend/30d-daily", analytics.FollowersQuery{View: "trend", Bucket: "day"}, lastDays(30)},
		{"trend/30d-daily-per-account", analytics.FollowersQuery{View: "trend", Bucket: "day", PerAccount: true}, lastDays(30)},
		{"channels/source/30d", analytics.FollowersQuery{View: "channels"}, lastDays(30)},
		{"channels/source-active/30d", analytics.FollowersQuery{View: "channels", Group: "active"}, lastDays(30)},
		{"channels/content/30d", analytics.FollowersQuery{View: "channels", Channel: "content"}, lastDays(30)},
		{"channels/viewed_content/30d", analytics.FollowersQuery{View: "channels", Group: "active", Channel: "viewed_content"}, lastDays(30)},
		{"profile/buyer_status/30d", analytics.FollowersQuery{View: "profile", Dimension: "buyer_status"}, lastDays(30)},
		{"profile/age_band/30d", analytics.FollowersQuery{View: "profile", Group: "active", Dimension: "age_band"}, lastDays(30)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := e.Followers(ctx, bc.q, bc.p, 24*time.Hour); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
		})
	}
}
