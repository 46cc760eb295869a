package demo

import (
	"math"
	"sort"
	"time"
)

// calendar splits the history [start, end) into local days of the shop's time zone. Times are unix
// seconds throughout the generator (PostgreSQL keeps microseconds; whole seconds read better).
type calendar struct {
	loc        *time.Location
	start, end int64
	mid        []int64   // mid[d] is the local midnight that starts day d; len days+1
	lo, hi     []float64 // share of the day's activity (diurnal CDF) before start / before end
	year       []int
	month      []time.Month
	mday       []int
	weekday    []time.Weekday
	bfcm       []uint8 // 2 Black Friday to Cyber Monday, 1 the week before, 0 otherwise
}

// hourly is the diurnal rhythm of customer activity in local time (relative weights per hour):
// quiet nights, a lunch bump and an evening peak.
var hourly = [24]float64{
	2.0, 1.2, 0.7, 0.5, 0.4, 0.5, 1.0, 1.8, 2.8, 3.5, 4.0, 4.4,
	5.0, 4.8, 4.2, 4.0, 4.2, 4.6, 5.2, 6.0, 6.6, 6.4, 5.0, 3.4,
}

// hourlyCDF[h] is the share of a day's activity before hour h.
var hourlyCDF = func() [25]float64 {
	var c [25]float64
	s := 0.0
	for _, w := range hourly {
		s += w
	}
	for h, w := range hourly {
		c[h+1] = c[h] + w/s
	}
	c[24] = 1
	return c
}()

// diurnalCDF maps a fraction of the day (0..1) to the share of activity before it.
func diurnalCDF(f float64) float64 {
	if f <= 0 {
		return 0
	}
	if f >= 1 {
		return 1
	}
	x := f * 24
	h := int(x)
	return hourlyCDF[h] + (x-float64(h))*(hourlyCDF[h+1]-hourlyCDF[h])
}

// diurnalInv is the inverse of diurnalCDF.
func diurnalInv(p float64) float64 {
	if p <= 0 {
		return 0
	}
	if p >= 1 {
		return 1
	}
	h := sort.SearchFloat64s(hourlyCDF[:], p) - 1 // hourlyCDF[h] < p <= hourlyCDF[h+1]
	h = min(max(h, 0), 23)
	return (float64(h) + (p-hourlyCDF[h])/(hourlyCDF[h+1]-hourlyCDF[h])) / 24
}

func newCalendar(start, end time.Time, loc *time.Location) *calendar {
	c := &calendar{loc: loc, start: start.Unix(), end: end.Unix()}
	ls := start.In(loc)
	y, m, d := ls.Date()
	for i := 0; ; i++ {
		mid := time.Date(y, m, d+i, 0, 0, 0, 0, loc)
		c.mid = append(c.mid, mid.Unix())
		if mid.Unix() >= c.end {
			break
		}
		c.year = append(c.year, mid.Year())
		c.month = append(c.month, mid.Month())
		c.mday = append(c.mday, mid.Day())
		c.weekday = append(c.weekday, mid.Weekday())
	}
	days := len(c.mid) - 1
	c.lo = make([]float64, days)
	c.hi = make([]float64, days)
	c.bfcm = make([]uint8, days)
	for i := range days {
		a, b := c.mid[i], c.mid[i+1]
		c.lo[i] = diurnalCDF(float64(max(c.start, a)-a) / float64(b-a))
		c.hi[i] = diurnalCDF(float64(min(c.end, b)-a) / float64(b-a))
		c.bfcm[i] = bfcmPhase(c.year[i], c.month[i], c.mday[i])
	}
	return c
}

func (c *calendar) days() int { return len(c.mid) - 1 }

// day returns the index of the local day holding t (clamped to the history).
func (c *calendar) day(t int64) int {
	d := sort.Search(len(c.mid), func(i int) bool { return c.mid[i] > t }) - 1
	return min(max(d, 0), c.days()-1)
}

// bfcmPhase says whether a date is in the Black Friday to Cyber Monday weekend (2) or in the week
// before it (1).
func bfcmPhase(y int, m time.Month, d int) uint8 {
	first := time.Date(y, time.November, 1, 0, 0, 0, 0, time.UTC)
	thanksgiving := 1 + (int(time.Thursday)-int(first.Weekday())+7)%7 + 21
	tg := first.AddDate(0, 0, thanksgiving-1).Unix() / 86400
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	switch {
	case day > tg && day <= tg+4:
		return 2
	case day > tg-7 && day <= tg:
		return 1
	}
	return 0
}

// clock is a time change that turns a homogeneous process into one that follows a rhythm: position
// x advances by each day's weight, so events drawn uniformly (or as a Poisson process) in x land
// more often on heavy days and, within a day, on busy hours. Weights are scaled so that an average
// full day has weight 1, which makes rates per unit of x rates per (average) day.
type clock struct {
	cal *calendar
	cum []float64 // cum[d] is the position of the start of day d; len days+1
}

func newClock(cal *calendar, weight func(d int) float64) *clock {
	days := cal.days()
	raw := make([]float64, days)
	sum := 0.0
	for d := range days {
		raw[d] = weight(d)
		sum += raw[d]
	}
	norm := float64(days) / sum
	k := &clock{cal: cal, cum: make([]float64, days+1)}
	for d := range days {
		k.cum[d+1] = k.cum[d] + raw[d]*norm*(cal.hi[d]-cal.lo[d])
	}
	return k
}

// total is the position of the end of history.
func (k *clock) total() float64 { return k.cum[len(k.cum)-1] }

// at returns the time at position x and its day. Positions at or past total give the end of
// history (the caller treats it as "beyond").
func (k *clock) at(x float64) (int64, int) {
	c := k.cal
	if x >= k.total() {
		return c.end, c.days() - 1
	}
	x = max(x, 0)
	d := sort.Search(len(k.cum), func(i int) bool { return k.cum[i] > x }) - 1
	d = min(max(d, 0), c.days()-1)
	frac := 0.0
	if w := k.cum[d+1] - k.cum[d]; w > 0 {
		frac = (x - k.cum[d]) / w
	}
	p := c.lo[d] + frac*(c.hi[d]-c.lo[d])
	t := c.mid[d] + int64(math.Floor(diurnalInv(p)*float64(c.mid[d+1]-c.mid[d])))
	return min(max(t, c.start), c.end-1), d
}

// pos is the inverse of at: the position of time t.
func (k *clock) pos(t int64) float64 {
	c := k.cal
	if t <= c.start {
		return 0
	}
	if t >= c.end {
		return k.total()
	}
	d := c.day(t)
	p := diurnalCDF(float64(t-c.mid[d]) / float64(c.mid[d+1]-c.mid[d]))
	frac := 0.0
	if w := c.hi[d] - c.lo[d]; w > 0 {
		frac = min(max((p-c.lo[d])/w, 0), 1)
	}
	return k.cum[d] + frac*(k.cum[d+1]-k.cum[d])
}

// Seasonal rhythms of shopping: a November/December peak, a summer dip, busier weekends, and the
// Black Friday weekend.
var (
	monthFactor = [13]float64{0,
		0.85, 0.82, 0.95, 0.97, 1.00, 0.88, 0.80, 0.84, 0.97, 1.05, 1.45, 1.50}
	weekdayFactor = [7]float64{1.12, 0.95, 0.93, 0.95, 0.98, 1.02, 1.05} // Sunday first
	bfcmFactor    = [3]float64{1, 1.25, 2.4}
)

// orderWeight is the shopping rhythm of day d.
func (c *calendar) orderWeight(d int) float64 {
	return monthFactor[c.month[d]] * weekdayFactor[c.weekday[d]] * bfcmFactor[c.bfcm[d]]
}

// signupGrowth is how much more likely the newest day is to bring a new contact than the first:
// e^growth (a shop that keeps growing).
const signupGrowth = 1.2

// signupWeight is the rhythm of new contacts on day d: growth over the history and a softened
// seasonality.
func (c *calendar) signupWeight(d int) float64 {
	x := float64(c.mid[d]-c.start) / float64(c.end-c.start)
	return math.Exp(signupGrowth*x) * (0.5 + 0.5*monthFactor[c.month[d]]) * weekdayFactor[c.weekday[d]]
}

// activityWeight is the rhythm of social activity (follows, views): weekly only.
func (c *calendar) activityWeight(d int) float64 { return weekdayFactor[c.weekday[d]] }
