package analytics

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"golang.org/x/sync/errgroup"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// CustomersQuery is the query model of query type "customers" (the customer report of seed 001).
type CustomersQuery struct {
	// View is the figure set: summary (default), new_vs_existing or acquisition.
	View string `json:"view"`
	// Comparison is the range the figures are compared with (default previous_period).
	Comparison Comparison `json:"comparison"`
	// Bucket sizes the acquisition trend: auto (Grafana's interval), hour, day, week or month.
	Bucket string `json:"bucket"`
}

// The customers views.
const (
	CustomersSummary       = "summary"
	CustomersNewVsExisting = "new_vs_existing"
	CustomersAcquisition   = "acquisition"
)

var (
	customersByPeriodSQL    = statementTwoWays("customers_by_period")
	customersAcquisitionSQL = statementTwoWays("customers_acquisition")
)

// customerGroup sums the figures of a group of the customers in scope of a period: those with a
// valid order in it. Their history is every valid order they placed before the period's end.
type customerGroup struct {
	Customers     int64   // customers in the group
	Repurchasers  int64   // of them, those with two or more valid orders in their history
	Orders        int64   // valid orders in their history
	Revenue       float64 // revenue of their history
	PeriodOrders  int64   // valid orders in the period
	PeriodRevenue float64 // revenue in the period
}

func (g customerGroup) plus(o customerGroup) customerGroup {
	return customerGroup{
		Customers:     g.Customers + o.Customers,
		Repurchasers:  g.Repurchasers + o.Repurchasers,
		Orders:        g.Orders + o.Orders,
		Revenue:       g.Revenue + o.Revenue,
		PeriodOrders:  g.PeriodOrders + o.PeriodOrders,
		PeriodRevenue: g.PeriodRevenue + o.PeriodRevenue,
	}
}

// customerCounts splits a period's scope into new customers (first-ever valid order in the
// period) and existing customers (the others).
type customerCounts struct {
	New, Existing customerGroup
}

// All is the whole scope.
func (c customerCounts) All() customerGroup { return c.New.plus(c.Existing) }

// Customers answers query type "customers" for period p; interval is Grafana's suggested interval.
func (e *Engine) Customers(ctx context.Context, q CustomersQuery, p Period, interval time.Duration) (data.Frames, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	switch q.View {
	case "", CustomersSummary:
		return e.customersSummary(ctx, q, p)
	case CustomersNewVsExisting:
		return e.customersNewVsExisting(ctx, q, p)
	case CustomersAcquisition:
		return e.customersAcquisition(ctx, q, p, interval)
	}
	return nil, invalidf("customers: unknown view %q: use summary, new_vs_existing or acquisition", q.View)
}

// customerCountsFor computes the new and existing customers of each period in one statement.
func (e *Engine) customerCountsFor(ctx context.Context, periods []Period) ([]customerCounts, string, error) {
	froms := make([]time.Time, len(periods))
	tos := make([]time.Time, len(periods))
	for i, p := range periods {
		froms[i], tos[i] = p.From, p.To
	}
	out := make([]customerCounts, len(periods))
	var sql string
	err := e.db.Read(ctx, func(tx database.Tx) error {
		var err error
		if sql, err = customersByPeriodSQL.pick(ctx, tx, froms, tos); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sql, froms, tos)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var period int
			var isNew bool
			var g customerGroup
			if err := rows.Scan(&period, &isNew, &g.Customers, &g.Repurchasers, &g.Orders, &g.Revenue, &g.PeriodOrders, &g.PeriodRevenue); err != nil {
				return err
			}
			if isNew {
				out[period-1].New = g
			} else {
				out[period-1].Existing = g
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", explain("customers", err)
	}
	return out, sql, nil
}

// customerCountsCompared returns the counts of p and, unless the comparison is none, of its
// comparison range, and the statement it ran. The two ranges run as two statements side by side
// (a lone panel then uses both cores; the summary's predicted CLV, over the scope only, is light
// enough to run beside them).
func (e *Engine) customerCountsCompared(ctx context.Context, q CustomersQuery, p Period) (cur, prev customerCounts, cmp Period, hasCmp bool, sql string, err error) {
	var periods []Period
	if periods, cmp, hasCmp, err = e.shop.withComparison(p, q.Comparison); err != nil {
		return
	}
	var counts []customerCounts
	counts, sql, err = eachPeriodApart(ctx, periods, e.customerCountsFor)
	if err != nil {
		return
	}
	cur = counts[0]
	if hasCmp {
		prev = counts[1]
	}
	return
}

// Kinds of summary metric, which decide the type of their fields.
const (
	customerMetricCount  = iota // a count: int64, never null
	customerMetricAmount        // a sum of money: float64, never null
	customerMetricRatio         // a quotient: *float64, null when its base is 0
)

// customerMetric is one key metric of the customer report: one field of the summary frame.
type customerMetric struct {
	name, display, unit string
	kind                int
	value               func(c customerCounts) *float64
}

// customerMetrics are the key metrics, in the order of the summary frame. Scope-wide figures use
// the scope customers' history (valid orders before the period's end); the *_in_period ones only
// their orders in the period.
func customerMetrics(money string) []customerMetric {
	count := func(n int64) *float64 { f := float64(n); return &f }
	amount := func(x float64) *float64 { return &x }
	return []customerMetric{
		{"customers", "Customers", "short", customerMetricCount, func(c customerCounts) *float64 { return count(c.All().Customers) }},
		{"new_customers", "New customers", "short", customerMetricCount, func(c customerCounts) *float64 { return count(c.New.Customers) }},
		{"existing_customers", "Existing customers", "short", customerMetricCount, func(c customerCounts) *float64 { return count(c.Existing.Customers) }},
		{"orders", "Orders", "short", customerMetricCount, func(c customerCounts) *float64 { return count(c.All().Orders) }},
		{"revenue", "Revenue", money, customerMetricAmount, func(c customerCounts) *float64 { return amount(c.All().Revenue) }},
		{"aov", "AOV", money, customerMetricRatio, func(c customerCounts) *float64 {
			return ratio(c.All().Revenue, float64(c.All().Orders))
		}},
		{"revenue_per_customer", "Revenue per customer", money, customerMetricRatio, func(c customerCounts) *float64 {
			return ratio(c.All().Revenue, float64(c.All().Customers))
		}},
		{"orders_per_customer", "Orders per customer", "short", customerMetricRatio, func(c customerCounts) *float64 {
			return ratio(float64(c.All().Orders), float64(c.All().Customers))
		}},
		{"repurchase_rate", "Repurchase rate", "percentunit", customerMetricRatio, func(c customerCounts) *float64 {
			return ratio(float64(c.All().Repurchasers), float64(c.All().Customers))
		}},
		{"historical_clv", "Historical CLV", money, customerMetricRatio, func(c customerCounts) *float64 {
			return ratio(c.All().Revenue, float64(c.All().Customers))
		}},
		{"orders_in_period", "Orders in period", "short", customerMetricCount, func(c customerCounts) *float64 { return count(c.All().PeriodOrders) }},
		{"revenue_in_period", "Revenue in period", money, customerMetricAmount, func(c customerCounts) *float64 { return amount(c.All().PeriodRevenue) }},
	}
}

// customersSummary answers the key metrics as one row with a field per metric, each followed by
// its previous value and change unless the comparison is none: a stat panel picks its field.
func (e *Engine) customersSummary(ctx context.Context, q CustomersQuery, p Period) (data.Frames, error) {
	// Predicted CLV (as of the period's end only: a previous value would need a second fit) runs
	// alongside the counts.
	var predCustomers int64
	var predValue float64
	var notice string
	var g errgroup.Group
	g.Go(func() (err error) {
		predCustomers, predValue, notice, err = e.predictedTotal(ctx, p)
		return err
	})
	cur, prev, cmp, hasCmp, sql, err := e.customerCountsCompared(ctx, q, p)
	if perr := g.Wait(); err == nil && perr != nil {
		err = perr
	}
	if err != nil {
		return nil, err
	}
	f := newFrameBuilder("customers_summary")
	for _, m := range customerMetrics(e.shop.MoneyUnit()) {
		v := m.value(cur)
		switch m.kind {
		case customerMetricCount:
			f.int(m.name, m.display, m.unit).Append(int64(*v))
		case customerMetricAmount:
			f.float(m.name, m.display, m.unit).Append(*v)
		default:
			f.ratio(m.name, m.display, m.unit).Append(v)
		}
		if !hasCmp {
			continue
		}
		pv := m.value(prev)
		switch m.kind {
		case customerMetricCount:
			f.int(m.name+"_previous", m.display+" (previous)", m.unit).Append(int64(*pv))
		case customerMetricAmount:
			f.float(m.name+"_previous", m.display+" (previous)", m.unit).Append(*pv)
		default:
			f.ratio(m.name+"_previous", m.display+" (previous)", m.unit).Append(pv)
		}
		f.ratio(m.name+"_change", m.display+" change", "percentunit").Append(customerChange(v, pv))
	}
	money := e.shop.MoneyUnit()
	if predCustomers > 0 {
		f.ratio("predicted_clv", "Predicted CLV", money).Append(ratio(predValue, float64(predCustomers)))
		f.ratio("predicted_revenue", "Predicted revenue", money).Append(&predValue)
	} else {
		f.ratio("predicted_clv", "Predicted CLV", money).Append(nil)
		f.ratio("predicted_revenue", "Predicted revenue", money).Append(nil)
	}
	frame := f.frame(sql)
	frame.Meta.Custom = periodsMeta(p, cmp, hasCmp)
	addNotice(frame, notice)
	return data.Frames{frame}, nil
}

// customerChange is the relative change from prev to cur, or null when either is unknown or prev is 0.
func customerChange(cur, prev *float64) *float64 {
	if cur == nil || prev == nil {
		return nil
	}
	return change(*cur, *prev)
}

// customersNewVsExisting answers one row per group (new, existing, all customers) with their
// orders and revenue in the period, shares of the scope, and the comparison.
func (e *Engine) customersNewVsExisting(ctx context.Context, q CustomersQuery, p Period) (data.Frames, error) {
	cur, prev, cmp, hasCmp, sql, err := e.customerCountsCompared(ctx, q, p)
	if err != nil {
		return nil, err
	}
	groups := []struct {
		name      string
		cur, prev customerGroup
	}{
		{"New customers", cur.New, prev.New},
		{"Existing customers", cur.Existing, prev.Existing},
		{"All customers", cur.All(), prev.All()},
	}
	curAll, prevAll := cur.All(), prev.All()
	money := e.shop.MoneyUnit()
	f := newFrameBuilder("customers_new_vs_existing")
	name := f.str("group", "Group")
	customers := f.int("customers", "Customers", "short")
	share := f.ratio("customer_share", "Share of customers", "percentunit")
	orders := f.int("orders_in_period", "Orders in period", "short")
	revenue := f.float("revenue_in_period", "Revenue in period", money)
	revShare := f.ratio("revenue_share", "Share of revenue in period", "percentunit")
	aov := f.ratio("aov_in_period", "AOV in period", money)
	var customersPrev, customersChg, sharePrev, ordersPrev, ordersChg, revenuePrev, revenueChg, revSharePrev, aovPrev, aovChg *data.Field
	if hasCmp {
		customersPrev = f.int("customers_previous", "Customers (previous)", "short")
		customersChg = f.ratio("customers_change", "Customers change", "percentunit")
		sharePrev = f.ratio("customer_share_previous", "Share of customers (previous)", "percentunit")
		ordersPrev = f.int("orders_in_period_previous", "Orders in period (previous)", "short")
		ordersChg = f.ratio("orders_in_period_change", "Orders in period change", "percentunit")
		revenuePrev = f.float("revenue_in_period_previous", "Revenue in period (previous)", money)
		revenueChg = f.ratio("revenue_in_period_change", "Revenue in period change", "percentunit")
		revSharePrev = f.ratio("revenue_share_previous", "Share of revenue in period (previous)", "percentunit")
		aovPrev = f.ratio("aov_in_period_previous", "AOV in period (previous)", money)
		aovChg = f.ratio("aov_in_period_change", "AOV in period change", "percentunit")
	}
	for _, g := range groups {
		name.Append(g.name)
		customers.Append(g.cur.Customers)
		share.Append(ratio(float64(g.cur.Customers), float64(curAll.Customers)))
		orders.Append(g.cur.PeriodOrders)
		revenue.Append(g.cur.PeriodRevenue)
		revShare.Append(ratio(g.cur.PeriodRevenue, curAll.PeriodRevenue))
		curAOV := ratio(g.cur.PeriodRevenue, float64(g.cur.PeriodOrders))
		aov.Append(curAOV)
		if hasCmp {
			customersPrev.Append(g.prev.Customers)
			customersChg.Append(change(float64(g.cur.Customers), float64(g.prev.Customers)))
			sharePrev.Append(ratio(float64(g.prev.Customers), float64(prevAll.Customers)))
			ordersPrev.Append(g.prev.PeriodOrders)
			ordersChg.Append(change(float64(g.cur.PeriodOrders), float64(g.prev.PeriodOrders)))
			revenuePrev.Append(g.prev.PeriodRevenue)
			revenueChg.Append(change(g.cur.PeriodRevenue, g.prev.PeriodRevenue))
			revSharePrev.Append(ratio(g.prev.PeriodRevenue, prevAll.PeriodRevenue))
			prevAOV := ratio(g.prev.PeriodRevenue, float64(g.prev.PeriodOrders))
			aovPrev.Append(prevAOV)
			aovChg.Append(customerChange(curAOV, prevAOV))
		}
	}
	frame := f.frame(sql)
	frame.Meta.Custom = periodsMeta(p, cmp, hasCmp)
	return data.Frames{frame}, nil
}

// customerAcquisition is the new customers of one bucket and the revenue of their first orders.
type customerAcquisition struct {
	Customers int64
	Revenue   float64
}

// customersAcquisition answers the new customers of each bucket (first-ever valid order in it)
// and the revenue of those first orders. The comparison's buckets are drawn on the current
// buckets' times, so a panel can overlay the two. The buckets partition the period, so their new
// customers add up to the period's.
func (e *Engine) customersAcquisition(ctx context.Context, q CustomersQuery, p Period, interval time.Duration) (data.Frames, error) {
	tr, err := e.shop.newTrend(p, q.Comparison, q.Bucket, interval)
	if err != nil {
		return nil, err
	}
	cmp, hasCmp, buckets, prevBuckets := tr.Comparison, tr.HasComparison, tr.Buckets, tr.Previous
	// The ranges, and the start of each bucket with the range it divides.
	rangeFroms, rangeTos := []time.Time{p.From}, []time.Time{p.To}
	if hasCmp {
		rangeFroms, rangeTos = append(rangeFroms, cmp.From), append(rangeTos, cmp.To)
	}
	n := len(buckets) + len(prevBuckets)
	starts := make([]time.Time, 0, n)
	ranges := make([]int32, 0, n)
	for i, bs := range [][]Period{buckets, prevBuckets} {
		for _, b := range bs {
			starts, ranges = append(starts, b.From), append(ranges, int32(i+1))
		}
	}
	acq := make([]customerAcquisition, n)
	var sql string
	err = e.db.Read(ctx, func(tx database.Tx) error {
		var err error
		if sql, err = customersAcquisitionSQL.pick(ctx, tx, rangeFroms, rangeTos); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sql, rangeFroms, rangeTos, starts, ranges)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var bucket int
			var a customerAcquisition
			if err := rows.Scan(&bucket, &a.Customers, &a.Revenue); err != nil {
				return err
			}
			acq[bucket-1] = a
		}
		return rows.Err()
	})
	if err != nil {
		return nil, explain("customers acquisition", err)
	}
	money := e.shop.MoneyUnit()
	f := newFrameBuilder("customers_acquisition")
	ts := f.time("time", "Time")
	newC := f.int("new_customers", "New customers", "short")
	rev := f.float("first_order_revenue", "First-order revenue", money)
	var newCP, revP *data.Field
	if hasCmp {
		newCP = f.nullableInt("new_customers_previous", "New customers (previous)", "short")
		revP = f.ratio("first_order_revenue_previous", "First-order revenue (previous)", money)
	}
	for i, b := range buckets {
		ts.Append(b.From)
		newC.Append(acq[i].Customers)
		rev.Append(acq[i].Revenue)
		if hasCmp {
			// Unpaired current buckets (a shorter comparison month, DST) get nulls.
			if tr.Paired(i) {
				pa := acq[len(buckets)+i]
				newCP.Append(&pa.Customers)
				revP.Append(&pa.Revenue)
			} else {
				newCP.Append(nil)
				revP.Append(nil)
			}
		}
	}
	frame := f.frame(sql)
	frame.Meta.PreferredVisualization = data.VisTypeGraph
	frame.Meta.Custom = periodsMeta(p, cmp, hasCmp)
	return data.Frames{frame}, nil
}
