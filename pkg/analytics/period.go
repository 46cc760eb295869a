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
	switch c {
	case "", PreviousPeriod, Offset7Days, Offset28Days, Offset1Year:
		shift := s.comparisonShift(p, c)
		return Period{From: shift(p.From), To: shift(p.To)}, true, nil
	case NoComparison:
		return Period{}, false, nil
	}
	return Period{}, false, invalidf("unknown comparison %q: use previous_period, offset_7d, offset_28d, offset_1y or none", c)
}

// comparisonShift moves an instant of p to its place in p's comparison range c (a known one, not
// none): the range's ends, and the trend's bucket boundaries. A local day's start moves to a
// local day's start (localDay), any other instant keeps its local clock time.
func (s Shop) comparisonShift(p Period, c Comparison) func(time.Time) time.Time {
	loc := s.Location
	switch c {
	case Offset7Days:
		return func(t time.Time) time.Time { return addLocal(t, loc, 0, -7) }
	case Offset28Days:
		return func(t time.Time) time.Time { return addLocal(t, loc, 0, -28) }
	case Offset1Year:
		return func(t time.Time) time.Time { return addLocal(t, loc, -1, 0) }
	}
	if days, ok := wholeDays(p, loc); ok {
		return func(t time.Time) time.Time { return addLocal(t, loc, 0, -days) }
	}
	d := p.To.Sub(p.From)
	return func(t time.Time) time.Time { return t.Add(-d) }
}

// addLocal adds years and days to t in local calendar terms: a local day's start gives the start
// of the day that many days (years) away, any other instant the same local clock time there
// (normalised as time.Date does: 29 February a year on is 1 March).
func addLocal(t time.Time, loc *time.Location, years, days int) time.Time {
	l := t.In(loc)
	if isDayStart(l) {
		y, m, d := l.Date()
		return localDay(y+years, m, d+days, loc)
	}
	return l.AddDate(years, 0, days)
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

// wholeDays reports whether both ends of p are local day starts (midnights, or the jump of a
// clock change that skips one), and how many local days p spans.
func wholeDays(p Period, loc *time.Location) (int, bool) {
	f, t := p.From.In(loc), p.To.In(loc)
	if !isDayStart(f) || !isDayStart(t) {
		return 0, false
	}
	days := int(math.Round(t.Sub(f).Hours() / 24))
	return days, days > 0
}

// isDayStart reports whether t (in its location) is the first instant of its local day.
func isDayStart(t time.Time) bool {
	y, m, d := t.Date()
	return t.Equal(localDay(y, m, d, t.Location()))
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
