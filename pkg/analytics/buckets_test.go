package analytics

import (
	"testing"
	"time"
)

func TestBuckets(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	s := DefaultShop()
	s.Location = ny
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, ny) }
	for _, tc := range []struct {
		name     string
		p        Period
		size     string
		interval time.Duration
		want     []Period
	}{
		{"days across DST", Period{at(3, 7, 0), at(3, 10, 0)}, BucketDay, 0,
			[]Period{{at(3, 7, 0), at(3, 8, 0)}, {at(3, 8, 0), at(3, 9, 0)}, {at(3, 9, 0), at(3, 10, 0)}}},
		{"clipped ends", Period{at(3, 7, 12), at(3, 9, 6)}, BucketDay, 0,
			[]Period{{at(3, 7, 12), at(3, 8, 0)}, {at(3, 8, 0), at(3, 9, 0)}, {at(3, 9, 0), at(3, 9, 6)}}},
		{"auto from a 2-day interval", Period{at(3, 1, 0), at(3, 6, 0)}, BucketAuto, 48 * time.Hour,
			[]Period{{at(3, 1, 0), at(3, 3, 0)}, {at(3, 3, 0), at(3, 5, 0)}, {at(3, 5, 0), at(3, 6, 0)}}},
		{"auto from a 6-hour interval", Period{at(3, 1, 0), at(3, 1, 13)}, BucketAuto, 6 * time.Hour,
			[]Period{{at(3, 1, 0), at(3, 1, 6)}, {at(3, 1, 6), at(3, 1, 12)}, {at(3, 1, 12), at(3, 1, 13)}}},
		{"weeks start on Monday", Period{at(3, 4, 0), at(3, 18, 0)}, BucketWeek, 0,
			[]Period{{at(3, 4, 0), at(3, 9, 0)}, {at(3, 9, 0), at(3, 16, 0)}, {at(3, 16, 0), at(3, 18, 0)}}},
		{"months", Period{at(1, 15, 0), at(3, 2, 0)}, BucketMonth, 0,
			[]Period{{at(1, 15, 0), at(2, 1, 0)}, {at(2, 1, 0), at(3, 1, 0)}, {at(3, 1, 0), at(3, 2, 0)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Buckets(tc.p, tc.size, tc.interval)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if !got[i].From.Equal(tc.want[i].From) || !got[i].To.Equal(tc.want[i].To) {
					t.Errorf("bucket %d = %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
	if _, err := s.Buckets(Period{at(1, 1, 0), at(12, 1, 0)}, BucketHour, 0); !IsQueryError(err) {
		t.Errorf("8000 hourly buckets: want a query error, got %v", err)
	}
	if _, err := s.Buckets(Period{at(1, 1, 0), at(2, 1, 0)}, "fortnight", 0); !IsQueryError(err) {
		t.Errorf("unknown bucket: want a query error, got %v", err)
	}
}

// Zones whose clocks jump at midnight: the day of the jump starts at the jump, and the days
// after it at their midnight again (time.Date then AddDate had every later boundary at 23:00).
// Zones offset by half an hour: hour buckets start on the local hour, not the UTC hour.
func TestBucketsSkippedMidnight(t *testing.T) {
	havana, err := time.LoadLocation("America/Havana")
	if err != nil {
		t.Fatal(err)
	}
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	s := DefaultShop()
	s.Location = havana
	at := func(m time.Month, d, h int) time.Time { return time.Date(2024, m, d, h, 0, 0, 0, havana) }
	// Havana, 10 March 2024: 00:00 CST becomes 01:00 CDT (05:00 UTC, PostgreSQL's
	// '2024-03-10 00:00'::timestamp AT TIME ZONE 'America/Havana' too).
	jump := time.Date(2024, 3, 10, 5, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		p        Period
		size     string
		interval time.Duration
		want     []time.Time // bucket starts, then the period's end
	}{
		{"days", Period{at(3, 8, 0), at(3, 13, 0)}, BucketDay, 0,
			[]time.Time{at(3, 8, 0), at(3, 9, 0), jump, at(3, 11, 0), at(3, 12, 0), at(3, 13, 0)}},
		{"auto two days", Period{at(3, 8, 0), at(3, 14, 0)}, BucketAuto, 48 * time.Hour,
			[]time.Time{at(3, 8, 0), jump, at(3, 12, 0), at(3, 14, 0)}},
		{"weeks", Period{at(3, 4, 0), at(3, 20, 0)}, BucketWeek, 0,
			[]time.Time{at(3, 4, 0), at(3, 11, 0), at(3, 18, 0), at(3, 20, 0)}},
		{"a period starting on the jump's day", Period{jump.Add(2 * time.Hour), at(3, 12, 0)}, BucketDay, 0,
			[]time.Time{jump.Add(2 * time.Hour), at(3, 11, 0), at(3, 12, 0)}},
		{"months", Period{at(2, 1, 0), at(5, 1, 0)}, BucketMonth, 0,
			[]time.Time{at(2, 1, 0), at(3, 1, 0), at(4, 1, 0), at(5, 1, 0)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Buckets(tc.p, tc.size, tc.interval)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want)-1 {
				t.Fatalf("got %v, want starts %v", got, tc.want)
			}
			for i, b := range got {
				if !b.From.Equal(tc.want[i]) || !b.To.Equal(tc.want[i+1]) {
					t.Errorf("bucket %d = %v .. %v, want %v .. %v", i, b.From, b.To, tc.want[i], tc.want[i+1])
				}
			}
		})
	}
	t.Run("hours in a half-hour zone", func(t *testing.T) {
		s := DefaultShop()
		s.Location = kolkata
		k := func(h, m int) time.Time { return time.Date(2026, 3, 1, h, m, 0, 0, kolkata) }
		for _, size := range []string{BucketHour, BucketAuto} {
			got, err := s.Buckets(Period{k(10, 20), k(13, 0)}, size, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			want := []time.Time{k(10, 20), k(11, 0), k(12, 0), k(13, 0)}
			if len(got) != 3 {
				t.Fatalf("%s: got %v", size, got)
			}
			for i, b := range got {
				if !b.From.Equal(want[i]) || !b.To.Equal(want[i+1]) {
					t.Errorf("%s: bucket %d = %v .. %v, want %v .. %v", size, i, b.From, b.To, want[i], want[i+1])
				}
			}
		}
	})
}

// A trend's comparison buckets of a day or more are its buckets moved by the comparison's shift,
// so bucket i faces one of its own length; hour buckets divide the comparison on their own.
func TestTrendComparisonBuckets(t *testing.T) {
	s := DefaultShop()
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name     string
		p        Period
		c        Comparison
		size     string
		interval time.Duration
		want     []Period
		paired   []bool
	}{
		// The 61 days before March and April 2026: 30 December to 1 March. Divided on its own it
		// began with a 2-day stub (30-31 December), which faced March.
		{"months, previous period", Period{utc(2026, 3, 1, 0, 0), utc(2026, 5, 1, 0, 0)}, PreviousPeriod, BucketMonth, 0,
			[]Period{{utc(2025, 12, 30, 0, 0), utc(2026, 1, 30, 0, 0)}, {utc(2026, 1, 30, 0, 0), utc(2026, 3, 1, 0, 0)}}, []bool{true, true}},
		// "Last 30 days" at 14:23, weeks: the comparison is the same weeks 30 days of 24 hours earlier.
		{"weeks of a range that is not whole days", Period{utc(2026, 11, 1, 14, 23), utc(2026, 12, 1, 14, 23)}, PreviousPeriod, BucketWeek, 0,
			[]Period{{utc(2026, 10, 2, 14, 23), utc(2026, 10, 3, 0, 0)}, {utc(2026, 10, 3, 0, 0), utc(2026, 10, 10, 0, 0)},
				{utc(2026, 10, 10, 0, 0), utc(2026, 10, 17, 0, 0)}, {utc(2026, 10, 17, 0, 0), utc(2026, 10, 24, 0, 0)},
				{utc(2026, 10, 24, 0, 0), utc(2026, 10, 31, 0, 0)}, {utc(2026, 10, 31, 0, 0), utc(2026, 11, 1, 14, 23)}},
			[]bool{true, true, true, true, true, true}},
		// A year before 28 February - 1 March 2024: 29 February has no day, its point is null.
		{"days a year before a leap day", Period{utc(2024, 2, 28, 0, 0), utc(2024, 3, 2, 0, 0)}, Offset1Year, BucketDay, 0,
			[]Period{{utc(2023, 2, 28, 0, 0), utc(2023, 3, 1, 0, 0)}, {utc(2023, 3, 1, 0, 0), utc(2023, 3, 1, 0, 0)}, {utc(2023, 3, 1, 0, 0), utc(2023, 3, 2, 0, 0)}},
			[]bool{true, false, true}},
		{"days, 7 days before", Period{utc(2026, 3, 2, 0, 0), utc(2026, 3, 4, 0, 0)}, Offset7Days, BucketDay, 0,
			[]Period{{utc(2026, 2, 23, 0, 0), utc(2026, 2, 24, 0, 0)}, {utc(2026, 2, 24, 0, 0), utc(2026, 2, 25, 0, 0)}}, []bool{true, true}},
		{"hours divide the comparison on their own", Period{utc(2026, 3, 2, 10, 30), utc(2026, 3, 2, 12, 0)}, PreviousPeriod, BucketHour, 0,
			[]Period{{utc(2026, 3, 2, 9, 0), utc(2026, 3, 2, 10, 0)}, {utc(2026, 3, 2, 10, 0), utc(2026, 3, 2, 10, 30)}}, []bool{true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := s.newTrend(tc.p, tc.c, tc.size, tc.interval)
			if err != nil {
				t.Fatal(err)
			}
			if len(tr.Previous) != len(tc.want) {
				t.Fatalf("comparison buckets %v, want %v", tr.Previous, tc.want)
			}
			for i, b := range tr.Previous {
				if !b.From.Equal(tc.want[i].From) || !b.To.Equal(tc.want[i].To) {
					t.Errorf("comparison bucket %d = %v, want %v", i, b, tc.want[i])
				}
				if tr.Paired(i) != tc.paired[i] {
					t.Errorf("bucket %d paired %v, want %v", i, tr.Paired(i), tc.paired[i])
				}
			}
			// The comparison buckets cover the comparison range, as the current ones cover p.
			if first, last := tr.Previous[0], tr.Previous[len(tr.Previous)-1]; !first.From.Equal(tr.Comparison.From) || !last.To.Equal(tr.Comparison.To) {
				t.Errorf("comparison buckets span %v .. %v, comparison %v", first.From, last.To, tr.Comparison)
			}
		})
	}
}

func TestHalves(t *testing.T) {
	day := func(d int) Period {
		return Period{time.Date(2026, 10, d, 0, 0, 0, 0, time.UTC), time.Date(2026, 10, d+1, 0, 0, 0, 0, time.UTC)}
	}
	list := func(from, to int) []Period {
		var out []Period
		for d := from; d <= to; d++ {
			out = append(out, day(d))
		}
		return out
	}
	for _, tc := range []struct {
		in   []Period
		want [][]Period
	}{
		{nil, nil},
		{list(1, 1), [][]Period{list(1, 1)}},
		{list(1, 2), [][]Period{list(1, 1), list(2, 2)}},
		{list(1, 5), [][]Period{list(1, 3), list(4, 5)}},
	} {
		got := halves(tc.in)
		if len(got) != len(tc.want) {
			t.Fatalf("halves of %d periods: %d runs, want %d", len(tc.in), len(got), len(tc.want))
		}
		for i := range got {
			if len(got[i]) != len(tc.want[i]) {
				t.Fatalf("halves of %d periods: run %d has %d, want %d", len(tc.in), i, len(got[i]), len(tc.want[i]))
			}
			for j := range got[i] {
				if got[i][j] != tc.want[i][j] {
					t.Errorf("halves of %d periods: run %d period %d = %v, want %v", len(tc.in), i, j, got[i][j], tc.want[i][j])
				}
			}
		}
		// The first run cannot grow into the second: appending to it must not overwrite it.
		if len(got) == 2 {
			_ = append(got[0], day(30))
			if got[1][0] != tc.want[1][0] {
				t.Errorf("appending to the first run overwrote the second")
			}
		}
	}
}
