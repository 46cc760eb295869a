package analytics

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/clv"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/requestshare"
)

// rankedCustomer is one customer of the customers and at_risk tables.
type rankedCustomer struct {
	in    clvInput
	pred  clv.Prediction
	score float64
}

// before orders ranked customers: higher score first, ties by customer id (numeric ids compare as
// numbers when they have no leading zeros).
func (a rankedCustomer) before(b rankedCustomer) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if len(a.in.id) != len(b.in.id) {
		return len(a.in.id) < len(b.in.id)
	}
	return a.in.id < b.in.id
}

// worstFirst is a heap of the best n customers so far, the worst of them on top.
type worstFirst []rankedCustomer

func (h worstFirst) Len() int           { return len(h) }
func (h worstFirst) Less(i, j int) bool { return h[j].before(h[i]) }
func (h worstFirst) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *worstFirst) Push(x any)        { *h = append(*h, x.(rankedCustomer)) }
func (h *worstFirst) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// clvCustomers answers the customers view (the highest predicted CLV) and the at_risk view (the
// customers alive with probability below the bound, by the value at risk: what they would bring
// if still active, less what they are predicted to bring).
func (e *Engine) clvCustomers(ctx context.Context, q CLVQuery, p Period) (data.Frames, error) {
	atRisk := q.View == CLVAtRisk
	limit := q.Limit
	if limit == 0 {
		limit = defaultCLVLimit
	}
	maxPA := defaultMaxPAlive
	if q.MaxProbabilityAlive != nil {
		maxPA = *q.MaxProbabilityAlive
	}
	f, h, days, err := e.modelFor(ctx, q, p.To)
	if err != nil {
		return nil, err
	}
	pr := newPredictor(f, h)
	top := &worstFirst{}
	sql, err := e.clvInputs(ctx, p.To, func(in clvInput) {
		pred := pr.predict(in)
		r := rankedCustomer{in: in, pred: pred, score: pred.Value}
		if atRisk {
			if !(pred.PAlive < maxPA) || !(pred.PAlive > 0) {
				return
			}
			r.score = pred.Value/pred.PAlive - pred.Value
		}
		if top.Len() < limit {
			heap.Push(top, r)
		} else if r.before((*top)[0]) {
			(*top)[0] = r
			heap.Fix(top, 0)
		}
	})
	if err != nil {
		return nil, explain("predicted CLV per customer", err)
	}
	if err := pr.err(); err != nil {
		return nil, err
	}
	ranked := make([]rankedCustomer, top.Len())
	for i := len(ranked) - 1; i >= 0; i-- {
		ranked[i] = heap.Pop(top).(rankedCustomer)
	}
	money := e.shop.MoneyUnit()
	name := "clv_customers"
	if atRisk {
		name = "clv_at_risk"
	}
	b := newFrameBuilder(name)
	id := b.str("customer_id", "Customer")
	purchases := b.int("purchases", "Purchases", "short")
	recency := b.int("days_since_last_purchase", "Days since last purchase", "d")
	age := b.int("days_since_first_purchase", "Days since first purchase", "d")
	avgValue := b.ratio("avg_repeat_value", "Average repeat purchase", money)
	pAlive := b.float("p_alive", "Probability active", "percentunit")
	orders := b.float("expected_orders", "Expected orders", "short")
	spend := b.float("expected_order_value", "Expected order value", money)
	value := b.float("predicted_clv", "Predicted CLV", money)
	var ifActive, atRiskValue *data.Field
	if atRisk {
		ifActive = b.float("value_if_active", "Predicted CLV if active", money)
		atRiskValue = b.float("value_at_risk", "Value at risk", money)
	}
	for _, r := range ranked {
		id.Append(r.in.id)
		purchases.Append(r.in.x + 1)
		recency.Append(r.in.tDays - r.in.txDays)
		age.Append(r.in.tDays)
		if r.in.x > 0 {
			m := r.in.mean()
			avgValue.Append(&m)
		} else {
			avgValue.Append(nil)
		}
		pAlive.Append(r.pred.PAlive)
		orders.Append(r.pred.Transactions)
		spend.Append(r.pred.Spend)
		value.Append(r.pred.Value)
		if atRisk {
			ifActive.Append(r.pred.Value / r.pred.PAlive)
			atRiskValue.Append(r.score)
		}
	}
	frame := b.frame(sql)
	frame.Meta.Custom = e.clvMeta(f, p.To, days)
	addNotice(frame, e.borrowedNotice(f, p.To))
	return data.Frames{frame}, nil
}

// clvTotal answers the total view: the predictions of the whole customer base (every customer
// with a valid order before the period's end) summed in one row, for the stat panels that show
// what the base is worth. The customer report's predicted CLV is the same sum over its scope.
func (e *Engine) clvTotal(ctx context.Context, q CLVQuery, p Period) (data.Frames, error) {
	f, h, days, err := e.modelFor(ctx, q, p.To)
	if err != nil {
		return nil, err
	}
	pr := newPredictor(f, h)
	var sum segmentForecast
	sql, err := e.clvInputs(ctx, p.To, func(in clvInput) {
		pred := pr.predict(in)
		sum.customers++
		sum.pAlive += pred.PAlive
		sum.transactions += pred.Transactions
		sum.value += pred.Value
	})
	if err != nil {
		return nil, explain("predicted CLV of the customer base", err)
	}
	if err := pr.err(); err != nil {
		return nil, err
	}
	money := e.shop.MoneyUnit()
	n := float64(sum.customers)
	b := newFrameBuilder("clv_total")
	b.int("customers", "Customers", "short").Append(sum.customers)
	b.float("predicted_revenue", "Predicted revenue", money).Append(sum.value)
	b.ratio("predicted_clv", "Predicted CLV", money).Append(ratio(sum.value, n))
	b.ratio("p_alive", "Average probability active", "percentunit").Append(ratio(sum.pAlive, n))
	b.float("expected_orders", "Expected orders", "short").Append(sum.transactions)
	frame := b.frame(sql)
	frame.Meta.Custom = e.clvMeta(f, p.To, days)
	addNotice(frame, e.borrowedNotice(f, p.To))
	return data.Frames{frame}, nil
}

// modelFor is the fit of q's unit as of asOf, with q's horizon (and its length in days).
func (e *Engine) modelFor(ctx context.Context, q CLVQuery, asOf time.Time) (*modelFit, clv.Horizon, int, error) {
	f, err := e.fitFor(ctx, q.Unit, asOf)
	if err != nil {
		return nil, clv.Horizon{}, 0, err
	}
	h, days, err := e.horizon(q, f)
	return f, h, days, err
}

// addNotice adds an informational notice to a frame (nothing for an empty text).
func addNotice(f *data.Frame, text string) {
	if text == "" {
		return
	}
	f.Meta.Notices = append(f.Meta.Notices, data.Notice{Severity: data.NoticeSeverityInfo, Text: text})
}

// segmentForecast sums the predictions of one value of a dimension.
type segmentForecast struct {
	customers                   int64
	pAlive, transactions, value float64
}

// dimensionForecasts is predictedByDimension's answer: the sums per displayed value, and the SQL.
type dimensionForecasts struct {
	byValue map[string]*segmentForecast
	sql     string
}

// predictedByDimension predicts the customers of every value of d as of p.To. The request's
// queries that need the same predictions (the predicted-CLV segments with and without a metric,
// and a segment breakdown's predicted CLV for that dimension) share one statement and one pass of
// the models; f is the fit they were given (the fit cache hands out one per unit and as-of day).
func (e *Engine) predictedByDimension(ctx context.Context, d customerDimension, p Period, f *modelFit, h clv.Horizon) (map[string]*segmentForecast, string, error) {
	key := fmt.Sprintf("clv_by_dimension\x00%p\x00%s\x00%d\x00%d\x00%p\x00%v", e, d.Name, p.From.UnixNano(), p.To.UnixNano(), f, h)
	r, err := requestshare.Do(ctx, key, func(ctx context.Context) (dimensionForecasts, error) {
		m, sql, err := e.forecastByDimension(ctx, d, p, f, h)
		return dimensionForecasts{m, sql}, err
	})
	return r.byValue, r.sql, err
}

// forecastByDimension is predictedByDimension, computed.
func (e *Engine) forecastByDimension(ctx context.Context, d customerDimension, p Period, f *modelFit, h clv.Horizon) (map[string]*segmentForecast, string, error) {
	stmt := clvByDimensionSQL[d.Name]
	var sql string
	pr := newPredictor(f, h)
	out := map[string]*segmentForecast{}
	args := append(e.dimensionArgs(p), e.shop.Location.String(), e.shop.endDay(p.To))
	err := e.db.Read(ctx, func(tx database.Tx) error {
		rs, ran, err := e.queryKept(ctx, tx, stmt, args...)
		sql = ran
		if err != nil {
			return err
		}
		defer rs.Close()
		var raw string
		var x, txDays, tDays int64
		var mean float64
		// One row per customer; the forecaster reuses the costly part per (x, T).
		for rs.Next() {
			if err := rs.Scan(&raw, &x, &txDays, &tDays, &mean); err != nil {
				return err
			}
			s := out[raw]
			if s == nil {
				s = &segmentForecast{}
				out[raw] = s
			}
			t, value := pr.groupValue(x, txDays, tDays, 1, mean)
			s.customers++
			s.pAlive += t.pAlive
			s.transactions += t.transactions
			s.value += value
		}
		return rs.Err()
	})
	if err != nil {
		return nil, sql, explain("predicted CLV by "+d.label, err)
	}
	if err := pr.err(); err != nil {
		return nil, sql, err
	}
	// Keyed by the statement's raw value above (no lookup per customer); now by displayed value,
	// which several raw values may share.
	byValue := make(map[string]*segmentForecast, len(out))
	for raw, s := range out {
		v := e.shop.dimensionValue(d, raw)
		if b := byValue[v]; b != nil {
			b.customers += s.customers
			b.pAlive += s.pAlive
			b.transactions += s.transactions
			b.value += s.value
			continue
		}
		byValue[v] = s
	}
	return byValue, sql, nil
}

// clvSegments answers the segments view: the predictions summed per value of a dimension.
func (e *Engine) clvSegments(ctx context.Context, q CLVQuery, p Period) (data.Frames, error) {
	d, err := customerDimensionOf(q.Dimension)
	if err != nil {
		return nil, err
	}
	f, h, days, err := e.modelFor(ctx, q, p.To)
	if err != nil {
		return nil, err
	}
	byValue, sql, err := e.predictedByDimension(ctx, d, p, f, h)
	if err != nil {
		return nil, err
	}
	sizes := map[string]int64{}
	var total float64
	for v, s := range byValue {
		sizes[v] = s.customers
		total += s.value
	}
	money := e.shop.MoneyUnit()
	b := newFrameBuilder("clv_segments")
	value := b.str(d.Name, d.label)
	customers := b.int("customers", "Customers", "short")
	revenue := b.float("predicted_revenue", "Predicted revenue", money)
	avg := b.ratio("predicted_clv", "Predicted CLV", money)
	share := b.ratio("predicted_revenue_share", "Share of predicted revenue", "percentunit")
	pAlive := b.ratio("avg_p_alive", "Average probability active", "percentunit")
	orders := b.float("expected_orders", "Expected orders", "short")
	perCustomer := b.ratio("expected_orders_per_customer", "Expected orders per customer", "short")
	for _, v := range e.shop.orderValues(d, sizes) {
		s := byValue[v]
		if s == nil {
			s = &segmentForecast{}
		}
		value.Append(v)
		customers.Append(s.customers)
		revenue.Append(s.value)
		avg.Append(ratio(s.value, float64(s.customers)))
		share.Append(ratio(s.value, total))
		pAlive.Append(ratio(s.pAlive, float64(s.customers)))
		orders.Append(s.transactions)
		perCustomer.Append(ratio(s.transactions, float64(s.customers)))
	}
	frame := b.frame(sql)
	frame.Meta.Custom = e.clvMeta(f, p.To, days)
	addNotice(frame, e.borrowedNotice(f, p.To))
	if err := onlyMetric(frame, q.Metric); err != nil {
		return nil, err
	}
	return data.Frames{frame}, nil
}

// clvFit answers the fit view: one row with the fitted parameters and diagnostics.
func (e *Engine) clvFit(ctx context.Context, q CLVQuery, p Period) (data.Frames, error) {
	f, err := e.fitFor(ctx, q.Unit, p.To)
	if err != nil {
		return nil, err
	}
	b := newFrameBuilder("clv_fit")
	b.str("model_day", "Fitted as of").Append(f.Key.day)
	b.str("unit", "Time unit").Append(f.Key.unit)
	b.int("customers", "Customers fitted", "short").Append(f.Customers)
	b.int("repeat_customers", "Repeat customers", "short").Append(f.Repeat)
	b.int("distinct_histories", "Distinct (x, t_x, T)", "short").Append(int64(f.Triples))
	b.int("history_days", "Oldest customer (days)", "d").Append(f.HistoryDays)
	b.float("r", "BG/NBD r", "none").Append(f.BG.R)
	b.float("alpha", "BG/NBD alpha", "none").Append(f.BG.Alpha)
	b.float("a", "BG/NBD a", "none").Append(f.BG.A)
	b.float("b", "BG/NBD b", "none").Append(f.BG.B)
	b.float("bgnbd_log_likelihood", "BG/NBD log-likelihood", "none").Append(f.BG.LogLik)
	b.int("bgnbd_iterations", "BG/NBD iterations", "none").Append(int64(f.BG.Iterations))
	b.str("bgnbd_converged", "BG/NBD converged").Append(strconv.FormatBool(f.BG.Converged))
	b.float("p", "Gamma-Gamma p", "none").Append(f.GG.P)
	b.float("q", "Gamma-Gamma q", "none").Append(f.GG.Q)
	b.float("gamma", "Gamma-Gamma gamma", "none").Append(f.GG.Gamma)
	b.float("gamma_gamma_log_likelihood", "Gamma-Gamma log-likelihood", "none").Append(f.GG.LogLik)
	b.int("gamma_gamma_iterations", "Gamma-Gamma iterations", "none").Append(int64(f.GG.Iterations))
	b.str("gamma_gamma_converged", "Gamma-Gamma converged").Append(strconv.FormatBool(f.GG.Converged))
	b.float("observed_repeat_purchases", "Repeat purchases (observed)", "short").Append(f.ObservedRepeat)
	b.float("expected_repeat_purchases", "Repeat purchases (model)", "short").Append(f.ExpectedRepeat)
	b.float("observed_mean_spend", "Mean repeat purchase (observed)", e.shop.MoneyUnit()).Append(f.ObservedSpend)
	b.float("expected_mean_spend", "Mean purchase (spend model)", e.shop.MoneyUnit()).Append(f.GG.ExpectedSpend(0, 0))
	b.float("fit_seconds", "Fit time", "s").Append(f.Took.Seconds())
	b.float("read_seconds", "Reading histories", "s").Append(f.ReadTook.Seconds())
	frame := b.frame(f.SQL)
	frame.Meta.Custom = e.clvMeta(f, p.To, 0)
	addNotice(frame, e.borrowedNotice(f, p.To))
	return data.Frames{frame}, nil
}

// clvHoldout answers the calibration/holdout check: the models fitted as of the period's start,
// and for the customers of that moment, their purchases in the period against the fit's
// expectation, by their number of calibration repeat purchases (FHL 2005, figure 3).
//
// The calibration is the fit's: the orders before the last local midnight at or before the
// period's start (Shop.fitDay). The holdout is every valid order from that midnight to the
// period's end, so each order is in exactly one of them even when the period starts mid-day (the
// holdout then begins at that day's midnight), and its length is the time from that midnight to
// the period's end, in local days (a last partial day counts its elapsed fraction).
func (e *Engine) clvHoldout(ctx context.Context, q CLVQuery, p Period) (data.Frames, error) {
	// The check compares a fit with its own future: a borrowed fit would blur it, so this waits
	// for the fit of the calibration day, as long as the request allows.
	f, err := e.ownFitFor(ctx, q.Unit, p.From)
	if err != nil {
		return nil, err
	}
	calDay := e.shop.fitDay(p.From)
	cal := e.shop.fitAsOf(calDay)
	holdoutDays := e.shop.localDays(cal, p.To)
	t := holdoutDays / f.UnitDays
	type bucket struct {
		customers         int64
		actual, predicted float64
	}
	buckets := make([]bucket, holdoutTopBucket+1)
	var sql string
	var bad *clvInput
	err = e.db.Read(ctx, func(tx database.Tx) error {
		rs, ran, err := e.queryMerged(ctx, tx, clvHoldoutSQL, cal, e.shop.Location.String(), calDay, p.To)
		sql = ran
		if err != nil {
			return err
		}
		defer rs.Close()
		var x, txDays, tDays, n, purchases int64
		for rs.Next() {
			if err := rs.Scan(&x, &txDays, &tDays, &n, &purchases); err != nil {
				return err
			}
			in := clvInput{x: x, txDays: txDays, tDays: tDays}
			b := &buckets[min(x, holdoutTopBucket)]
			b.customers += n
			b.actual += float64(purchases)
			e := f.BG.ExpectedTransactions(in.summary(f.UnitDays), t)
			if (math.IsNaN(e) || math.IsInf(e, 0)) && bad == nil {
				bad = &in
			}
			b.predicted += float64(n) * e
		}
		return rs.Err()
	})
	if err != nil {
		return nil, explain("predicted CLV holdout check", err)
	}
	if bad != nil {
		return nil, (&predictor{f: f, bad: bad}).err()
	}
	fb := newFrameBuilder("clv_holdout")
	label := fb.str("calibration_repeat_purchases", "Repeat purchases in calibration")
	customers := fb.int("customers", "Customers", "short")
	actual := fb.float("actual_purchases", "Holdout purchases (actual)", "short")
	predicted := fb.float("expected_purchases", "Holdout purchases (model)", "short")
	actualPer := fb.ratio("actual_per_customer", "Per customer (actual)", "short")
	predictedPer := fb.ratio("expected_per_customer", "Per customer (model)", "short")
	var all bucket
	row := func(name string, b bucket) {
		label.Append(name)
		customers.Append(b.customers)
		actual.Append(b.actual)
		predicted.Append(b.predicted)
		actualPer.Append(ratio(b.actual, float64(b.customers)))
		predictedPer.Append(ratio(b.predicted, float64(b.customers)))
	}
	for i, b := range buckets {
		name := strconv.Itoa(i)
		if i == holdoutTopBucket {
			name += "+"
		}
		row(name, b)
		all.customers += b.customers
		all.actual += b.actual
		all.predicted += b.predicted
	}
	row("all", all)
	frame := fb.frame(sql)
	frame.Meta.Custom = e.clvMeta(f, cal, 0)
	frame.Meta.Custom.(map[string]string)["holdout_start"] = cal.In(e.shop.Location).Format(time.RFC3339)
	frame.Meta.Custom.(map[string]string)["holdout_days"] = strconv.FormatFloat(holdoutDays, 'f', -1, 64)
	return data.Frames{frame}, nil
}

// predictedTotal sums, over the shop's horizon, the predictions as of p.To of the customer report's
// scope (the customers with a valid order in p, SPEC §4 "Key metrics over the scope"); the model is
// still fitted on every customer. With too little history for a fit it answers no customers and
// the notice text.
func (e *Engine) predictedTotal(ctx context.Context, p Period) (customers int64, value float64, notice string, err error) {
	f, h, _, err := e.modelFor(ctx, CLVQuery{}, p.To)
	if errors.Is(err, errTooLittleHistory) {
		return 0, 0, err.Error(), nil
	}
	if err != nil {
		return 0, 0, "", err
	}
	pr := newPredictor(f, h)
	args := []any{p.To, e.shop.Location.String(), e.shop.endDay(p.To), p.From}
	_, err = e.clvRead(ctx, clvCustomersScopeSQL, args, func(batch []clvInput) error {
		for _, in := range batch {
			customers++
			value += pr.predict(in).Value
		}
		return nil
	})
	if err != nil {
		return 0, 0, "", explain("predicted CLV", err)
	}
	if err := pr.err(); err != nil {
		return 0, 0, "", err
	}
	return customers, value, e.borrowedNotice(f, p.To), nil
}

// segmentPredictions predicts the customers of each value of d for the segment breakdown, over the
// shop's horizon. With too little history for a fit it answers no predictions and the reason, so
// the rest of the breakdown still shows.
func (e *Engine) segmentPredictions(ctx context.Context, d customerDimension, p Period) (map[string]*segmentForecast, string, error) {
	f, h, _, err := e.modelFor(ctx, CLVQuery{}, p.To)
	if errors.Is(err, errTooLittleHistory) {
		return nil, err.Error(), nil
	}
	if err != nil {
		return nil, "", err
	}
	m, _, err := e.predictedByDimension(ctx, d, p, f, h)
	return m, e.borrowedNotice(f, p.To), err
}
