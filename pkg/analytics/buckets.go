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
	start := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	var next func(time.Time) time.Time
	switch size {
	case "", BucketAuto:
		switch {
		case interval <= 0:
			next = func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
		case interval < 24*time.Hour:
			hours := time.Duration(math.Max(1, math.Round(interval.Hours()))) * time.Hour
			start = from.Truncate(time.Hour)
			next = func(t time.Time) time.Time { return t.Add(hours) }
		default:
			days := int(math.Round(interval.Hours() / 24))
			next = func(t time.Time) time.Time { return t.AddDate(0, 0, days) }
		}
	case BucketHour:
		start = from.Truncate(time.Hour)
		next = func(t time.Time) time.Time { return t.Add(time.Hour) }
	case BucketDay:
		next = func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
	case BucketWeek:
		start = start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7))
		next = func(t time.Time) time.Time { return t.AddDate(0, 0, 7) }
	case BucketMonth:
		start = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, loc)
		next = func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
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

// trend is a trend's buckets and, when there is a comparison, the comparison period's buckets,
// which are drawn on the current buckets' times (bucket i on bucket i).
type trend struct {
	Period, Comparison Period
	HasComparison      bool
	Buckets, Previous  []Period
}

// newTrend divides p and its comparison range into buckets.
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
	if t.HasComparison {
		if t.Previous, err = s.Buckets(t.Comparison, size, interval); err != nil {
			return t, err
		}
	}
	return t, nil
}

// All lists the current buckets, then the comparison's: one list for statements that answer many
// periods at once. The comparison's bucket i is at len(Buckets)+i.
func (t trend) All() []Period {
	return append(append([]Period{}, t.Buckets...), t.Previous...)
}

// Paired reports whether current bucket i has a comparison bucket (periods of unequal length,
// such as months, may not pair up).
func (t trend) Paired(i int) bool { return i < len(t.Previous) }
