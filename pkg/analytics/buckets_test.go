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
