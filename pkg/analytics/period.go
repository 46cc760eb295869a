package analytics

import (
	"context"
	"fmt"
	"math"
	"time"

	"golang.org/x/sync/errgroup"
)

// Period is the half-open interval [From, To).
type Period struct {
	From, To time.Time
}

// Comparison says which range a period is compared with.
type Comparison string

// The comparisons: the previous period of the same length (default), a fixed offset, or none.
const (
	PreviousPeriod Comparison = "previous_period"
	Offset7Days    Comparison = "offset_7d"
	Offset28Days   Comparison = "offset_28d"
	Offset1Year    Comparison = "offset_1y"
	NoComparison   Comparison = "none"
)

// maxPeriod bounds a query's range: longer ones are a mistake, not an analysis.
const maxPeriod = 50 * 366 * 24 * time.Hour

// Validate rejects empty, reversed and absurd periods.
func (p Period) Validate() error {
	switch {
	case p.From.IsZero() || p.To.IsZero():
		return invalidf("the time range is missing")
	case !p.From.Before(p.To):
		return invalidf("the time range is empty or reversed (from %s, to %s): choose a range that ends after it starts", p.From.Format(time.RFC3339), p.To.Format(time.RFC3339))
	case p.To.Sub(p.From) > maxPeriod:
		return invalidf("the time range is longer than 50 years: choose a shorter one")
	}
	return nil
}

// Compare returns the comparison range of p, and false for NoComparison. The previous period of a
// range made of whole local days is the same number of local days before it (so a week compares
// with the week before even across a daylight-saving change); any other range shifts by its length.
func (s Shop) Compare(p Period, c Comparison) (Period, bool, error) {
	loc := s.Location
	switch c {
	case "", PreviousPeriod:
		if days, ok := wholeDays(p, loc); ok {
			return Period{From: p.From.In(loc).AddDate(0, 0, -days), To: p.From}, true, nil
		}
		d := p.To.Sub(p.From)
		return Period{From: p.From.Add(-d), To: p.From}, true, nil
	case Offset7Days:
		return shiftDays(p, loc, -7), true, nil
	case Offset28Days:
		return shiftDays(p, loc, -28), true, nil
	case Offset1Year:
		return Period{From: p.From.In(loc).AddDate(-1, 0, 0), To: p.To.In(loc).AddDate(-1, 0, 0)}, true, nil
	case NoComparison:
		return Period{}, false, nil
	}
	return Period{}, false, invalidf("unknown comparison %q: use previous_period, offset_7d, offset_28d, offset_1y or none", c)
}

// withComparison lists p and, when there is one, its comparison range: for statements that answer
// a list of periods at once (the comparison, if any, is periods[1]).
func (s Shop) withComparison(p Period, c Comparison) (periods []Period, cmp Period, hasCmp bool, err error) {
	if cmp, hasCmp, err = s.Compare(p, c); err != nil {
		return nil, cmp, false, err
	}
	periods = []Period{p}
	if hasCmp {
		periods = append(periods, cmp)
	}
	return periods, cmp, hasCmp, nil
}

// LookbackStart is the start of the new-buyer look-back window before t, in local days; the zero
// time means all history.
func (s Shop) LookbackStart(t time.Time) time.Time {
	if s.NewBuyerLookbackDays == 0 {
		return time.Time{}
	}
	return t.In(s.Location).AddDate(0, 0, -s.NewBuyerLookbackDays)
}

func shiftDays(p Period, loc *time.Location, days int) Period {
	return Period{From: p.From.In(loc).AddDate(0, 0, days), To: p.To.In(loc).AddDate(0, 0, days)}
}

// wholeDays reports whether both ends of p are local midnights, and how many local days p spans.
func wholeDays(p Period, loc *time.Location) (int, bool) {
	f, t := p.From.In(loc), p.To.In(loc)
	if !isMidnight(f) || !isMidnight(t) {
		return 0, false
	}
	days := int(math.Round(t.Sub(f).Hours() / 24))
	return days, days > 0
}

func isMidnight(t time.Time) bool {
	return t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0
}

func (p Period) String() string {
	return fmt.Sprintf("[%s, %s)", p.From.Format(time.RFC3339), p.To.Format(time.RFC3339))
}

// apart runs run(i) for every i in [0, n) side by side, each in its own statement(s), answering
// the results in order and the first one's statement. A view's range and its comparison are
// independent: one statement over both runs on one core (PostgreSQL does not parallelise the
// per-period groupings), two at once let a lone panel use both.
func apart[T any](ctx context.Context, n int, run func(ctx context.Context, i int) (T, string, error)) ([]T, string, error) {
	out := make([]T, n)
	sqls := make([]string, n)
	g, gctx := errgroup.WithContext(ctx)
	for i := range n {
		g.Go(func() (err error) {
			out[i], sqls[i], err = run(gctx, i)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, "", err
	}
	return out, sqls[0], nil
}

// halves splits periods into two runs of consecutive periods, the first the longer when their
// number is odd; fewer than two periods stay one run (none: no run).
func halves(periods []Period) [][]Period {
	switch len(periods) {
	case 0:
		return nil
	case 1:
		return [][]Period{periods}
	}
	mid := (len(periods) + 1) / 2
	return [][]Period{periods[:mid:mid], periods[mid:]}
}

// eachPeriodApart is count (which answers one result per period it is given) run for each
// period on its own, side by side (apart).
func eachPeriodApart[T any](ctx context.Context, periods []Period, count func(context.Context, []Period) ([]T, string, error)) ([]T, string, error) {
	return apart(ctx, len(periods), func(ctx context.Context, i int) (T, string, error) {
		r, sql, err := count(ctx, periods[i:i+1])
		if err != nil {
			var zero T
			return zero, "", err
		}
		return r[0], sql, nil
	})
}
