package demo

import (
	"errors"
	"fmt"
	"time"
)

// Config says which demo shop to generate. The same Config always gives the same shop, row for
// row: nothing depends on the clock, map order or scheduling.
type Config struct {
	// Customers is the number of contacts (customer ids 1..Customers), leads included.
	Customers int
	// Seed selects one of many equally plausible shops.
	Seed uint64
	// End is the exclusive end of the history, e.g. today's local midnight. Required: the
	// generator never reads the clock.
	End time.Time
	// Years is the length of the history before End; 0 means 3.
	Years int
	// TimeZone is the shop's time zone; it places days, weeks, seasons and the hours customers
	// are active. nil means UTC.
	TimeZone *time.Location
}

// Version identifies what the generator produces: it goes up whenever the same Config would
// give different rows, so that caches of loaded shops (such as test template databases) can put
// it in their keys and never reuse a stale shop.
const Version = 2

// Limits of a Config.
const (
	MaxCustomers = 20_000_000
	MaxYears     = 20
)

// Validate reports whether Load would accept c (zero Years and TimeZone take their defaults).
func (c Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

// withDefaults fills the zero values and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.Years == 0 {
		c.Years = 3
	}
	if c.TimeZone == nil {
		c.TimeZone = time.UTC
	}
	switch {
	case c.Customers < 1 || c.Customers > MaxCustomers:
		return c, fmt.Errorf("demo: customers must be between 1 and %d, got %d", MaxCustomers, c.Customers)
	case c.Years < 1 || c.Years > MaxYears:
		return c, fmt.Errorf("demo: years must be between 1 and %d, got %d", MaxYears, c.Years)
	case c.End.IsZero():
		return c, errors.New("demo: end of history is required (e.g. today's local midnight)")
	}
	return c, nil
}

// shop is everything shop-wide and small (catalog, content, calendars), built once and shared
// read-only by the per-customer generators.
type shop struct {
	cfg     Config
	cal     *calendar
	endYear int

	orderClock    *clock // shopping rhythm: season, weekday, Black Friday, hour of day
	signupClock   *clock // new contacts: growth over the history, softened season
	activityClock *clock // follows and views: weekday, hour of day

	products []product
	byCat    [numCategories][]int32 // product indices by category, ascending price

	content   []contentItem
	byKind    [2]contentIndex   // all content of a kind
	byAccount [][3]contentIndex // per account: videos, LIVEs, both

	campaigns []int64 // email campaign send times

	// orderIDScale is a power of ten above every customer id: an order's id is its second in the
	// history times orderIDScale plus its customer's id (orderID).
	orderIDScale int64
}

func newShop(cfg Config) (*shop, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	end := cfg.End.In(cfg.TimeZone)
	start := end.AddDate(-cfg.Years, 0, 0)
	s := &shop{cfg: cfg, cal: newCalendar(start, end, cfg.TimeZone), endYear: end.Year(), orderIDScale: 10}
	for s.orderIDScale <= int64(cfg.Customers) {
		s.orderIDScale *= 10
	}
	if s.cal.days() < 1 {
		return nil, errors.New("demo: empty history")
	}
	s.orderClock = newClock(s.cal, s.cal.orderWeight)
	s.signupClock = newClock(s.cal, s.cal.signupWeight)
	s.activityClock = newClock(s.cal, s.cal.activityWeight)

	r := newRNG()
	r.seed(cfg.Seed, streamCatalog, 0)
	s.products, s.byCat = makeProducts(r)
	s.content = makeContent(r, s.cal)
	s.byAccount = make([][3]contentIndex, len(accounts))
	for i, c := range s.content {
		s.byKind[c.kind].add(i, c.published)
		s.byAccount[c.account][c.kind].add(i, c.published)
		s.byAccount[c.account][2].add(i, c.published)
	}

	// Email campaigns: every other Tuesday at 10:00 over the last ~7 months.
	r.seed(cfg.Seed, streamCampaigns, 0)
	d := max(s.cal.days()-210, 0)
	for d < s.cal.days() && s.cal.weekday[d] != time.Tuesday {
		d++
	}
	for ; d < s.cal.days(); d += 14 {
		t := s.cal.mid[d] + 10*3600 + int64(r.IntN(1800))
		if t >= s.cal.start && t < s.cal.end {
			s.campaigns = append(s.campaigns, t)
		}
	}
	return s, nil
}

// pickContent returns the index of a piece of content from ci published strictly before t,
// preferring recent ones: it aims at t minus an exponential age with the given mean (seconds) and
// takes the latest published by then. -1 when nothing was published before t.
func (s *shop) pickContent(r *rng, ci *contentIndex, t int64, meanAge float64) int {
	n := searchBefore(ci.times, t) // ci.times[:n] < t
	if n == 0 {
		return -1
	}
	target := t - int64(r.exp(meanAge))
	m := searchBefore(ci.times, target+1) // ci.times[:m] <= target
	if m == 0 {
		m = 1 // older than everything: the first one
	}
	return int(ci.idx[min(m, n)-1])
}

// searchBefore returns how many of the ascending times are < t.
func searchBefore(times []int64, t int64) int {
	lo, hi := 0, len(times)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if times[h] < t {
			lo = h + 1
		} else {
			hi = h
		}
	}
	return lo
}
