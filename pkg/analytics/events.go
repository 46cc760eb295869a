package analytics

import (
	"context"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// EventsQuery is the query model of query type "customer_events".
type EventsQuery struct {
	// View is the figure set: summary (default), trend, new_returning_lapsed or orders.
	View string `json:"view"`
	// Comparison is the range the figures are compared with (default previous_period).
	Comparison Comparison `json:"comparison"`
	// Bucket sizes the trend: auto (Grafana's interval), hour, day, week or month.
	Bucket string `json:"bucket"`
	// Metric picks the trend's event (unique_customers, customers_gained, second_orders, won_back
	// or saved); empty: all five.
	Metric string `json:"metric"`
	// Event picks the event whose orders the orders view groups (same names as Metric; default
	// unique_customers: every valid order of the period).
	Event string `json:"event"`
	// GroupBy groups the orders view: product (default), product_category, product_attribute,
	// store, source_medium, source_name, source_campaign, source_domain, device_type or coupon_code.
	GroupBy string `json:"groupBy"`
	// AttributeKey is the key of products.attributes that product_attribute groups by.
	AttributeKey string `json:"attributeKey"`
	// Stores keeps only the orders placed in these stores (ids as text) in the orders view;
	// empty: every store. The events themselves are always decided on all stores' orders.
	Stores []string `json:"stores"`
	// TopN limits the orders view (default 50, at most 1000).
	TopN int `json:"topN"`
}

// The customer events views.
const (
	EventsSummary            = "summary"
	EventsTrend              = "trend"
	EventsNewReturningLapsed = "new_returning_lapsed"
	EventsOrders             = "orders"
)

// The customer events, in display order; they name the trend's metrics and the orders' events.
const (
	UniqueCustomers = "unique_customers"
	CustomersGained = "customers_gained"
	SecondOrders    = "second_orders"
	WonBack         = "won_back"
	Saved           = "saved"
)

// eventMetrics are the five events with their display names.
var eventMetrics = []struct{ name, label string }{
	{UniqueCustomers, "Unique customers"},
	{CustomersGained, "Customers gained"},
	{SecondOrders, "Second orders"},
	{WonBack, "Customers won back"},
	{Saved, "Customers saved"},
}

const eventNames = "unique_customers, customers_gained, second_orders, won_back or saved"

func isEvent(name string) bool {
	for _, m := range eventMetrics {
		if m.name == name {
			return true
		}
	}
	return false
}

// eventsSQL is what the events statements are expanded with (static text only).
type eventsSQL struct {
	// Group is the orders view's grouping.
	Group eventsGroup
	// Probe reads the orders behind the event one by one (events_orders.sql): for the events
	// that keep few orders (won back, saved).
	Probe bool
}

var (
	eventsByPeriodSQL           = eventsStatement("events_by_period", eventsSQL{})
	eventsNewReturningLapsedSQL = eventsStatement("events_new_returning_lapsed", eventsSQL{})
)

// eventsStatement expands sql/<name>.sql with d, in its two forms (history.go).
func eventsStatement(name string, d eventsSQL) twoWays {
	return expandTwoWays(name, d)
}

// EventCounts are the customers behind each of the five events in one period.
type EventCounts struct {
	UniqueCustomers, CustomersGained, SecondOrders, WonBack, Saved int64
}

// Get returns the count of the named event.
func (c EventCounts) Get(event string) int64 {
	switch event {
	case UniqueCustomers:
		return c.UniqueCustomers
	case CustomersGained:
		return c.CustomersGained
	case SecondOrders:
		return c.SecondOrders
	case WonBack:
		return c.WonBack
	case Saved:
		return c.Saved
	}
	return 0
}

// CustomerEvents answers query type "customer_events" for period p; interval is Grafana's
// suggested interval.
func (e *Engine) CustomerEvents(ctx context.Context, q EventsQuery, p Period, interval time.Duration) (data.Frames, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	switch q.View {
	case "", EventsSummary:
		return e.eventsSummary(ctx, q, p)
	case EventsTrend:
		return e.eventsTrend(ctx, q, p, interval)
	case EventsNewReturningLapsed:
		return e.eventsNewReturningLapsed(ctx, q, p)
	case EventsOrders:
		return e.eventsOrders(ctx, q, p)
	}
	return nil, invalidf("customer events: unknown view %q: use summary, trend, new_returning_lapsed or orders", q.View)
}

// EventCountsFor counts the events of every period of each range in one statement. A range is
// the list of consecutive periods that cover it (one period for a summary, the buckets for a
// trend); the ranges may overlap. The result has the shape of ranges.
func (e *Engine) EventCountsFor(ctx context.Context, ranges [][]Period) ([][]EventCounts, error) {
	out, _, err := e.eventCounts(ctx, ranges)
	return out, err
}

// eventCounts is EventCountsFor, also returning the statement it ran (the form history.go picked).
func (e *Engine) eventCounts(ctx context.Context, ranges [][]Period) ([][]EventCounts, string, error) {
	// The statement takes flat lists, each period tagged with its range (1, 2, …); index maps a
	// period's ordinal in them back to its range and position.
	var froms, tos []time.Time
	var ids []int32
	var index [][2]int
	out := make([][]EventCounts, len(ranges))
	for r, periods := range ranges {
		out[r] = make([]EventCounts, len(periods))
		for i, p := range periods {
			froms, tos, ids = append(froms, p.From), append(tos, p.To), append(ids, int32(r+1))
			index = append(index, [2]int{r, i})
		}
	}
	var sql string
	err := e.db.Read(ctx, func(tx database.Tx) error {
		var err error
		if sql, err = eventsByPeriodSQL.pick(ctx, tx, froms, tos); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sql, froms, tos, e.shop.AtRiskDays, e.shop.LapsedDays, ids)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var period int
			var c EventCounts
			if err := rows.Scan(&period, &c.UniqueCustomers, &c.CustomersGained, &c.SecondOrders, &c.WonBack, &c.Saved); err != nil {
				return err
			}
			at := index[period-1]
			out[at[0]][at[1]] = c
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", explain("customer events", err)
	}
	return out, sql, nil
}

func (e *Engine) eventsSummary(ctx context.Context, q EventsQuery, p Period) (data.Frames, error) {
	cmp, hasCmp, err := e.shop.Compare(p, q.Comparison)
	if err != nil {
		return nil, err
	}
	ranges := [][]Period{{p}}
	if hasCmp {
		ranges = append(ranges, []Period{cmp})
	}
	counts, sql, err := e.eventCounts(ctx, ranges)
	if err != nil {
		return nil, err
	}
	cur, prev := counts[0][0], EventCounts{}
	if hasCmp {
		prev = counts[1][0]
	}
	f := newFrameBuilder("customer_events_summary")
	metric := f.str("metric", "Metric")
	value := f.int("customers", "Customers", "short")
	var prevF, chg *data.Field
	if hasCmp {
		prevF = f.int("customers_previous", "Customers (previous)", "short")
		chg = f.ratio("customers_change", "Change", "percentunit")
	}
	for _, m := range eventMetrics {
		metric.Append(m.label)
		value.Append(cur.Get(m.name))
		if hasCmp {
			prevF.Append(prev.Get(m.name))
			chg.Append(change(float64(cur.Get(m.name)), float64(prev.Get(m.name))))
		}
	}
	frame := f.frame(sql)
	frame.Meta.Custom = e.eventsMeta(p, cmp, hasCmp)
	return data.Frames{frame}, nil
}

// eventsTrend applies the event definitions to each bucket as its own period; the comparison's
// buckets are drawn on the current buckets' times, so a panel can overlay the two.
func (e *Engine) eventsTrend(ctx context.Context, q EventsQuery, p Period, interval time.Duration) (data.Frames, error) {
	metrics := eventMetrics
	if q.Metric != "" {
		if !isEvent(q.Metric) {
			return nil, invalidf("customer events trend: unknown metric %q: use %s, or leave it empty for all five", q.Metric, eventNames)
		}
		for _, m := range eventMetrics {
			if m.name == q.Metric {
				metrics = append(metrics[:0:0], m)
			}
		}
	}
	tr, err := e.shop.newTrend(p, q.Comparison, q.Bucket, interval)
	if err != nil {
		return nil, err
	}
	ranges := [][]Period{tr.Buckets}
	if tr.HasComparison {
		ranges = append(ranges, tr.Previous)
	}
	// Each range's buckets in two halves, every half its own statement, side by side (apart): a
	// year's range reads more orders than its comparison on a growing shop, and four statements
	// keep both cores busy to the end. A half is a range of its own (consecutive buckets that
	// cover it), so its counts are the same.
	type half struct{ rng, first int }
	var halvesOf []half
	var chunks [][]Period
	for r, periods := range ranges {
		first := 0
		for _, h := range halves(periods) {
			halvesOf, chunks = append(halvesOf, half{r, first}), append(chunks, h)
			first += len(h)
		}
	}
	parts, sql, err := apart(ctx, len(chunks), func(ctx context.Context, i int) ([]EventCounts, string, error) {
		c, sql, err := e.eventCounts(ctx, chunks[i:i+1])
		if err != nil {
			return nil, "", err
		}
		return c[0], sql, nil
	})
	if err != nil {
		return nil, err
	}
	counts := make([][]EventCounts, len(ranges))
	for r, periods := range ranges {
		counts[r] = make([]EventCounts, len(periods))
	}
	for i, part := range parts {
		copy(counts[halvesOf[i].rng][halvesOf[i].first:], part)
	}
	f := newFrameBuilder("customer_events_trend")
	ts := f.time("time", "Time")
	cur := make([]*data.Field, len(metrics))
	prev := make([]*data.Field, len(metrics))
	for i, m := range metrics {
		cur[i] = f.int(m.name, m.label, "short")
	}
	if tr.HasComparison {
		for i, m := range metrics {
			prev[i] = f.nullableInt(m.name+"_previous", m.label+" (previous)", "short")
		}
	}
	for b, bucket := range tr.Buckets {
		ts.Append(bucket.From)
		for i, m := range metrics {
			cur[i].Append(counts[0][b].Get(m.name))
			if tr.HasComparison {
				// Buckets of a comparison period of unequal length (DST, months) may not pair up:
				// unpaired current buckets get nulls.
				if tr.Paired(b) {
					v := counts[1][b].Get(m.name)
					prev[i].Append(&v)
				} else {
					prev[i].Append(nil)
				}
			}
		}
	}
	frame := f.frame(sql)
	frame.Meta.PreferredVisualization = data.VisTypeGraph
	frame.Meta.Custom = e.eventsMeta(p, tr.Comparison, tr.HasComparison)
	return data.Frames{frame}, nil
}

// lifecycleGroups are the new, returning and lapsed customers of one period.
type lifecycleGroups struct {
	New, Returning, Lapsed int64
}

func (g lifecycleGroups) total() int64 { return g.New + g.Returning + g.Lapsed }

func (e *Engine) lifecycleGroupsFor(ctx context.Context, periods []Period) ([]lifecycleGroups, string, error) {
	froms := make([]time.Time, len(periods))
	tos := make([]time.Time, len(periods))
	for i, p := range periods {
		froms[i], tos[i] = p.From, p.To
	}
	// The lapsed count reads each period's lapse window (the lapsed threshold, in days of 24 hours,
	// before it) too: a history the shop keeps must agree with orders there as well.
	checkFroms, checkTos := append([]time.Time{}, froms...), append([]time.Time{}, tos...)
	lapsed := time.Duration(e.shop.LapsedDays) * 24 * time.Hour
	for _, p := range periods {
		end := p.To.Add(-lapsed)
		if p.From.Before(end) {
			end = p.From
		}
		checkFroms, checkTos = append(checkFroms, p.From.Add(-lapsed)), append(checkTos, end)
	}
	out := make([]lifecycleGroups, len(periods))
	var sql string
	err := e.db.Read(ctx, func(tx database.Tx) error {
		var err error
		if sql, err = eventsNewReturningLapsedSQL.pick(ctx, tx, checkFroms, checkTos); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sql, froms, tos, e.shop.AtRiskDays, e.shop.LapsedDays)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var period int
			var g lifecycleGroups
			if err := rows.Scan(&period, &g.New, &g.Returning, &g.Lapsed); err != nil {
				return err
			}
			out[period-1] = g
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", explain("customer events: new, returning and lapsed", err)
	}
	return out, sql, nil
}

// eventsNewReturningLapsed splits the period's customers into new and returning, next to those who
// lapsed in it; the three groups are disjoint.
func (e *Engine) eventsNewReturningLapsed(ctx context.Context, q EventsQuery, p Period) (data.Frames, error) {
	periods, cmp, hasCmp, err := e.shop.withComparison(p, q.Comparison)
	if err != nil {
		return nil, err
	}
	groups, sql, err := e.lifecycleGroupsFor(ctx, periods)
	if err != nil {
		return nil, err
	}
	cur, prev := groups[0], lifecycleGroups{}
	if hasCmp {
		prev = groups[1]
	}
	f := newFrameBuilder("customer_events_new_returning_lapsed")
	name := f.str("group", "Group")
	customers := f.int("customers", "Customers", "short")
	share := f.ratio("share", "Share", "percentunit")
	var customersPrev, customersChg, sharePrev *data.Field
	if hasCmp {
		customersPrev = f.int("customers_previous", "Customers (previous)", "short")
		customersChg = f.ratio("customers_change", "Customers change", "percentunit")
		sharePrev = f.ratio("share_previous", "Share (previous)", "percentunit")
	}
	for _, g := range []struct {
		label     string
		cur, prev int64
	}{
		{"New customers", cur.New, prev.New},
		{"Returning customers", cur.Returning, prev.Returning},
		{"Lapsed customers", cur.Lapsed, prev.Lapsed},
	} {
		name.Append(g.label)
		customers.Append(g.cur)
		share.Append(ratio(float64(g.cur), float64(cur.total())))
		if hasCmp {
			customersPrev.Append(g.prev)
			customersChg.Append(change(float64(g.cur), float64(g.prev)))
			sharePrev.Append(ratio(float64(g.prev), float64(prev.total())))
		}
	}
	frame := f.frame(sql)
	frame.Meta.Custom = e.eventsMeta(p, cmp, hasCmp)
	return data.Frames{frame}, nil
}

// eventsMeta records the ranges and thresholds behind a frame, for the query inspector.
func (e *Engine) eventsMeta(p, cmp Period, hasCmp bool) map[string]string {
	m := periodsMeta(p, cmp, hasCmp)
	m["at_risk_days"] = strconv.Itoa(e.shop.AtRiskDays)
	m["lapsed_days"] = strconv.Itoa(e.shop.LapsedDays)
	return m
}
