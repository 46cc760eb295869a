package clv

import (
	"sort"
	"time"
)

// Purchase is one order line: several lines on the same calendar day are one
// purchase occasion for the models.
type Purchase struct {
	Customer string
	Time     time.Time
	Value    float64
}

// History is one customer's model inputs as of the end of a calibration
// period.
type History struct {
	Customer string
	// First is the calendar day (UTC midnight) of the first purchase.
	First time.Time
	Summary
	// Mean is the mean value of the repeat purchase days (each day's lines
	// summed), 0 for one-time buyers.
	Mean float64
}

const day = 24 * time.Hour

// dayIndex is the UTC calendar day number of t, so that day differences are
// whole numbers regardless of the time of day.
func dayIndex(t time.Time) int64 {
	return t.UTC().Truncate(day).Unix() / int64(day/time.Second)
}

// Summarize turns order lines into per-customer Histories as of the calendar
// day end (inclusive), following the convention of the published CDNOW
// summary: purchases are counted by distinct UTC calendar day, x is the
// number of purchase days after the first, t_x the days from the first to the
// last purchase day and T the days from the first purchase day to end, both
// divided by unit (7×24h for weeks). Customers whose first purchase is after
// end are left out. The result is sorted by customer.
func Summarize(purchases []Purchase, end time.Time, unit time.Duration) []History {
	endDay := dayIndex(end)
	perDay := make(map[string]map[int64]float64)
	for _, p := range purchases {
		d := dayIndex(p.Time)
		if d > endDay {
			continue
		}
		m := perDay[p.Customer]
		if m == nil {
			m = make(map[int64]float64)
			perDay[p.Customer] = m
		}
		m[d] += p.Value
	}
	daysPerUnit := float64(unit) / float64(day)
	out := make([]History, 0, len(perDay))
	for c, m := range perDay {
		days := make([]int64, 0, len(m))
		for d := range m {
			days = append(days, d)
		}
		sort.Slice(days, func(i, j int) bool { return days[i] < days[j] })
		first, last := days[0], days[len(days)-1]
		h := History{
			Customer: c,
			First:    time.Unix(first*int64(day/time.Second), 0).UTC(),
			Summary: Summary{
				X:  float64(len(days) - 1),
				TX: float64(last-first) / daysPerUnit,
				T:  float64(endDay-first) / daysPerUnit,
			},
		}
		if len(days) > 1 {
			var sum float64
			for _, d := range days[1:] {
				sum += m[d]
			}
			h.Mean = sum / float64(len(days)-1)
		}
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Customer < out[j].Customer })
	return out
}
