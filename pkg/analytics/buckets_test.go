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
