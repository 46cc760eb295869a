package analytics

import (
	"math"
	"time"
)

// Bucket sizes a trend query may ask for; "auto" (or empty) follows Grafana's interval.
const (
	BucketAuto  = "auto"
	BucketHour  = "hour"
	BucketDay   = "day"
	BucketWeek  = "week"
	BucketMonth = "month"
)

// maxBuckets bounds a trend: more points than a screen has pixels is a mistake.
const maxBuckets = 5000

// Buckets divides p into consecutive buckets, each treated as its own period. Buckets of a day or
// more start at local midnight (weeks on Monday, months on the 1st); hour buckets start on the
// local hour. The first and last bucket are clipped to p, so the buckets cover p exactly.
// Auto buckets follow Grafana's interval: under a day, whole hours; otherwise whole days.
func (s Shop) Buckets(p Period, size string, interval time.Duration) ([]Period, error) {
	loc := s.Location
	from := p.From.In(loc)
	y, m, d := from.Date()
	start := localDay(y, m, d, loc)
	// Day, week and month boundaries come from the calendar date of the previous one, never by
	// stepping an instant: a day whose midnight a clock change skips starts at the jump, and the
	// next day at its own midnight again.
	days := func(n int) func(time.Time) time.Time {
		return func(t time.Time) time.Time {
			y, m, d := t.In(loc).Date()
			return localDay(y, m, d+n, loc)
		}
	}
	var next func(time.Time) time.Time
	switch size {
	case "", BucketAuto:
		switch {
		case interval <= 0:
			next = days(1)
		case interval < 24*time.Hour:
			hours := time.Duration(math.Max(1, math.Round(interval.Hours()))) * time.Hour
			start = localHour(from)
			next = func(t time.Time) time.Time { return t.Add(hours) }
		default:
			next = days(int(math.Round(interval.Hours() / 24)))
		}
	case BucketHour:
		start = localHour(from)
		next = func(t time.Time) time.Time { return t.Add(time.Hour) }
	case BucketDay:
		next = days(1)
	case BucketWeek:
		start = localDay(y, m, d-(int(from.Weekday())+6)%7, loc)
		next = days(7)
	case BucketMonth:
		start = localDay(y, m, 1, loc)
		next = func(t time.Time) time.Time {
			y, m, _ := t.In(loc).Date()
			return localDay(y, m+1, 1, loc)
		}
	default:
		return nil, invalidf("unknown bucket %q: use auto, hour, day, week or month", size)
	}
	var out []Period
	for t := start; t.Before(p.To); t = next(t) {
		if len(out) == maxBuckets {
			return nil, invalidf("the trend would have more than %d buckets: choose a larger bucket or a shorter time range", maxBuckets)
		}
		b := Period{From: t, To: next(t)}
		if b.From.Before(p.From) {
			b.From = p.From
		}
		if b.To.After(p.To) {
			b.To = p.To
		}
		if b.From.Before(b.To) {
			out = append(out, b)
		}
	}
	return out, nil
}

// localDay is the first instant of the local date y-m-d (d may run past the month, as in
// time.Date): its midnight, or, where a clock change skips midnight (America/Havana, Asia/Beirut,
// America/Santiago...), the instant the clocks jump. PostgreSQL reads a skipped local time with
// the offset before the jump, which is that same instant.
func localDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t
	}
	// time.Date gave an instant on one side of the gap: before it (the previous day's evening,
	// whose zone period ends at the jump) or after it (the day's zone period starts at the jump).
	start, end := t.ZoneBounds()
	if t.Hour() >= 12 {
		return end
	}
	return start
}

// localHour is the start of t's local hour, as an instant (so an hour repeated by a clock change
// keeps the occurrence t is in); in zones offset by half or quarter hours it is not a UTC hour.
func localHour(t time.Time) time.Time {
	return t.Add(-time.Duration(t.Minute())*time.Minute - time.Duration(t.Second())*time.Second - time.Duration(t.Nanosecond()))
}

// trend is a trend's buckets and, when there is a comparison, the comparison period's buckets,
// which are drawn on the current buckets' times (bucket i on bucket i).
type trend struct {
	Period, Comparison Period
	HasComparison      bool
	Buckets, Previous  []Period
}

// newTrend divides p and its comparison range into buckets. Buckets of a day or more are compared
// with themselves moved by the comparison's shift (the previous period's days, 7 or 28 days, a
// year), so each point faces one of the same length: divided on its own, the 61 days before March
// and April start with a 2-day stub, which faced March. Hour buckets divide the comparison on
// its own (a week across a clock change has one hour more or less, left unpaired).
func (s Shop) newTrend(p Period, c Comparison, size string, interval time.Duration) (trend, error) {
	var t trend
	var err error
	t.Period = p
	if t.Comparison, t.HasComparison, err = s.Compare(p, c); err != nil {
		return t, err
	}
	if t.Buckets, err = s.Buckets(p, size, interval); err != nil {
		return t, err
	}
	if !t.HasComparison {
		return t, nil
	}
	if hourly := size == BucketHour || ((size == "" || size == BucketAuto) && interval > 0 && interval < 24*time.Hour); !hourly {
		shift := s.comparisonShift(p, c)
		t.Previous = make([]Period, len(t.Buckets))
		for i, b := range t.Buckets {
			t.Previous[i] = Period{From: shift(b.From), To: shift(b.To)}
		}
		return t, nil
	}
	if t.Previous, err = s.Buckets(t.Comparison, size, interval); err != nil {
		return t, err
	}
	return t, nil
}

// All lists the current buckets, then the comparison's: one list for statements that answer many
// periods at once. The comparison's bucket i is at len(Buckets)+i.
func (t trend) All() []Period {
	return append(append([]Period{}, t.Buckets...), t.Previous...)
}

// Paired reports whether current bucket i has a comparison bucket: hour buckets of a comparison
// one hour shorter may not pair up, and 29 February has no day a year before (its bucket moved
// by a year is empty).
func (t trend) Paired(i int) bool {
	return i < len(t.Previous) && t.Previous[i].From.Before(t.Previous[i].To)
}
