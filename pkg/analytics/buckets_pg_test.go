package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// Every day bucket starts at the first instant whose local date (PostgreSQL's placed_at AT TIME
// ZONE zone, as the statements read local days) is that day, found minute by minute around the
// day's midnight: in zones whose clocks jump at midnight (forward: the day starts at the jump;
// back: at the first of the two midnights) and in two ordinary ones, over 2023-2026.
func TestDayBucketsMatchPostgreSQL(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.AdminDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	from, to := "2023-01-01", "2027-01-01"
	for _, zone := range []string{"America/Havana", "America/Santiago", "America/Asuncion", "Asia/Beirut", "Africa/Cairo", "Europe/Berlin", "Asia/Kolkata"} {
		t.Run(zone, func(t *testing.T) {
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := conn.Query(ctx, `SELECT min(t)
				FROM generate_series($1::date, $2::date, interval '1 day') d,
				     generate_series((d::timestamp AT TIME ZONE $3) - interval '3 hours',
				                     (d::timestamp AT TIME ZONE $3) + interval '3 hours', interval '1 minute') t
				WHERE (t AT TIME ZONE $3)::date = d::date
				GROUP BY d ORDER BY d`, from, to, zone)
			if err != nil {
				t.Fatal(err)
			}
			want, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
			if err != nil {
				t.Fatal(err)
			}
			s := analytics.DefaultShop()
			s.Location = loc
			got, err := s.Buckets(analytics.Period{From: want[0], To: want[len(want)-1]}, analytics.BucketDay, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want)-1 {
				t.Fatalf("%d buckets, want %d", len(got), len(want)-1)
			}
			for i, b := range got {
				if !b.From.Equal(want[i]) || !b.To.Equal(want[i+1]) {
					t.Fatalf("bucket %d = %v .. %v, want %v .. %v", i, b.From, b.To, want[i], want[i+1])
				}
			}
		})
	}
}
