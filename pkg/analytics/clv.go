package analytics

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"golang.org/x/sync/errgroup"

	"github.com/storelens/customer-analytics-datasource/pkg/clv"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// CLVQuery is the query model of query type "clv": predicted customer lifetime value from the
// BG/NBD and Gamma-Gamma models fitted on the shop's history as of the period's end (SPEC §4
// "Predicted CLV"; docs/predicted-clv.md).
type CLVQuery struct {
	// View is customers (default: the customers with the highest predicted CLV), at_risk (the most
	// valuable customers probably lost), total (the whole customer base in one row), segments (per
	// value of Dimension), fit (the fitted parameters and diagnostics) or holdout (the
	// calibration/holdout check: calibration ends at the period's start, the period is the holdout).
	View string `json:"view"`
	// Unit is the time unit of the fit: week (default) or day. Predictions do not depend on it.
	Unit string `json:"unit"`
	// HorizonDays overrides the data source's predicted CLV horizon (0: the setting).
	HorizonDays int `json:"horizonDays"`
	// Dimension is the customer dimension of the segments view.
	Dimension string `json:"dimension"`
	// Limit is the number of customers of the customers and at_risk views (default 100).
	Limit int `json:"limit"`
	// MaxProbabilityAlive is the at_risk view's bound: customers alive with a lower probability
	// (default 0.5).
	MaxProbabilityAlive *float64 `json:"maxProbabilityAlive"`
	// Metric keeps one numeric field of the segments view, for a bar chart.
	Metric string `json:"metric"`
}

// The clv views.
const (
	CLVCustomers = "customers"
	CLVAtRisk    = "at_risk"
	CLVTotal     = "total"
	CLVSegments  = "segments"
	CLVFit       = "fit"
	CLVHoldout   = "holdout"
)

// The bounds of the query's options.
const (
	defaultCLVLimit = 100
	maxCLVLimit     = 10000
	maxHorizonDays  = 3650
	// The least history a fit accepts: below it the four BG/NBD parameters are not identified and
	// the predictions would be noise dressed as numbers.
	minFitCustomers  = 50
	minRepeatBuyers  = 50
	minHistoryDays   = 90
	discountStepDays = 30 // discounting cuts the horizon into steps of about a month
	holdoutTopBucket = 7  // the holdout table groups 7 or more calibration repeat purchases
	defaultMaxPAlive = 0.5
	clvUnitWeek      = "week"
	clvUnitDay       = "day"
	maxMemo          = 1 << 20
)

var (
	clvCustomersSQL    = statementTwoWays("clv_customers")
	clvCustomersAllSQL = statementTwoWays("clv_customers_all")
	// clvCustomersScopeSQL reads the customers with a valid order in a period: the customer
	// report's scope.
	clvCustomersScopeSQL = statementTwoWays("clv_customers_scope")
	clvHoldoutSQL        = statementTwoWays("clv_holdout")
	// clvByDimensionSQL is the predicted-CLV statement of each customer dimension.
	clvByDimensionSQL = func() map[string]twoWays {
		out := map[string]twoWays{}
		for name, d := range customerDimensions {
			out[name] = segmentStatement("clv_by_dimension", segmentSQL{Dim: d, Days: true})
		}
		return out
	}()
)

// errTooLittleHistory marks a fit refused for lack of history (errors.Is).
var errTooLittleHistory = clv.ErrTooLittleHistory

// unitDays is the length of a fit's time unit in days.
func unitDays(unit string) (float64, error) {
	switch unit {
	case "", clvUnitWeek:
		return 7, nil
	case clvUnitDay:
		return 1, nil
	}
	return 0, invalidf("clv: unknown time unit %q: use week or day", unit)
}

// modelFit is the models fitted as of one day, with what a diagnostics frame shows.
type modelFit struct {
	Key      fitKey
	AsOf     time.Time
	UnitDays float64
	BG       clv.BGNBD
	GG       clv.GammaGamma
	// Customers is the number of customers fitted (those whose first purchase day is before the
	// as-of day; customers who first bought on it carry no information); Repeat, those with x > 0.
	Customers, Repeat int64
	// Triples is the number of distinct (x, t_x, T): the work of one likelihood evaluation.
	Triples int
	// SQL is the text of the statement that read the fit's inputs.
	SQL string
	// HistoryDays is the age of the oldest customer.
	HistoryDays int64
	// ObservedRepeat and ExpectedRepeat are the calibration period's repeat purchases, observed
	// and as the fitted model expects them for customers of these ages (an in-sample check).
	ObservedRepeat, ExpectedRepeat float64
	// ObservedSpend is the mean of the repeat buyers' mean repeat values; the spend model's
	// population mean is GG.P·GG.Gamma/(GG.Q−1).
	ObservedSpend float64
	FittedAt      time.Time
	// Took is the whole fit; ReadTook, the part spent reading the histories from PostgreSQL.
	Took, ReadTook time.Duration
}

// clvInput is one customer's row of sql/clv_customers.sql.
type clvInput struct {
	id               string
	x, txDays, tDays int64
	repeatValue      float64
}

// summary is the input in the fit's unit.
func (in clvInput) summary(unitDays float64) clv.Summary {
	return clv.Summary{X: float64(in.x), TX: float64(in.txDays) / unitDays, T: float64(in.tDays) / unitDays}
}

// mean is the customer's mean repeat-purchase value (0 for one-time buyers).
func (in clvInput) mean() float64 {
	if in.x == 0 {
		return 0
	}
	return in.repeatValue / float64(in.x)
}

// endDay is the local calendar day of the last instant before to: the last day a period ending at
// to covers (to itself is excluded).
func (s Shop) endDay(to time.Time) time.Time {
	d := to.Add(-time.Nanosecond).In(s.Location)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// fitDay is the key day of the fit that answers a request as of asOf: the last local day that ends
// at or before asOf. A fit is always of whole local days (fitAsOf), so it never reads an order at
// or after the request's end, and two requests ending on the same day share a fit that depends on
// that day alone, not on which of them came first. At a local midnight it equals endDay.
func (s Shop) fitDay(asOf time.Time) time.Time {
	l := asOf.In(s.Location)
	return s.endDay(localDay(l.Year(), l.Month(), l.Day(), s.Location))
}

// fitAsOf is the instant a fit of key day day is computed as of: the local midnight that ends day.
func (s Shop) fitAsOf(day time.Time) time.Time {
	return localDay(day.Year(), day.Month(), day.Day()+1, s.Location)
}

// localDays is the length of [from, to) in local days: whole days between the local midnights at
// or before each, plus the elapsed fraction of to's day (a day of 23 or 25 hours is one day).
// from must be a local midnight (fitAsOf).
func (s Shop) localDays(from, to time.Time) float64 {
	toDay := s.fitDay(to) // the last day ending at or before to
	start := s.fitAsOf(toDay)
	days := toDay.Sub(s.fitDay(from)).Hours() / 24
	if to.After(start) {
		next := s.fitAsOf(toDay.AddDate(0, 0, 1))
		days += float64(to.Sub(start)) / float64(next.Sub(start))
	}
	return days
}

// clvReadParts is how many customer-id ranges the per-customer read is split into and read side
// by side (each in its own read-only transaction): the read is one window pass per customer, which
// PostgreSQL cannot parallelise itself, and on a big shop it is most of a fit.
const clvReadParts = 2

// clvInputs streams every customer's model inputs as of asOf to fn (never concurrently) and
// returns the text of the statement that read them.
func (e *Engine) clvInputs(ctx context.Context, asOf time.Time, fn func(clvInput)) (string, error) {
	ranges, err := e.clvReadRanges(ctx, asOf)
	if err != nil {
		return "", err
	}
	var ran string
	var ranMu sync.Mutex
	read := func(ctx context.Context, stmt twoWays, args []any, emit func([]clvInput) error) error {
		sql, err := e.clvRead(ctx, stmt, args, emit)
		ranMu.Lock()
		ran = sql
		ranMu.Unlock()
		return err
	}
	args := func(r ...any) []any {
		return append([]any{asOf, e.shop.Location.String(), e.shop.endDay(asOf)}, r...)
	}
	deliver := func(batch []clvInput) {
		for _, in := range batch {
			fn(in)
		}
	}
	if ranges == nil {
		// Ids that are not integers, or the history form: one read of every customer.
		err := read(ctx, clvCustomersAllSQL, args(), func(batch []clvInput) error {
			deliver(batch)
			return nil
		})
		return ran, err
	}
	rows := make(chan []clvInput, 2*len(ranges))
	g, gctx := errgroup.WithContext(ctx)
	for _, r := range ranges {
		g.Go(func() error {
			return read(gctx, clvCustomersSQL, args(r[0], r[1]), func(batch []clvInput) error {
				select {
				case rows <- batch:
					return nil
				case <-gctx.Done():
					return gctx.Err()
				}
			})
		})
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for batch := range rows {
			deliver(batch)
		}
	}()
	err = g.Wait()
	close(rows)
	<-done
	return ran, err
}

// clvReadRanges returns the customer-id ranges to read side by side, or nil when the ids are not
// integers (the contract allows text or uuid ids, which have no midpoint) or there is nothing to
// split: the caller then reads every customer at once.
func (e *Engine) clvReadRanges(ctx context.Context, asOf time.Time) ([][2]int64, error) {
	var ranges [][2]int64
	err := e.db.Read(ctx, func(tx database.Tx) error {
		var idType string
		if err := tx.QueryRow(ctx, `SELECT format_type(a.atttypid, NULL) FROM pg_attribute a WHERE a.attrelid = 'orders'::regclass AND a.attname = 'customer_id'`).Scan(&idType); err != nil {
			return err
		}
		switch idType {
		case "smallint", "integer", "bigint":
		default:
			return nil
		}
		// The history form reads one row per customer, mostly from the index
		// order_history_current: a single read of that is cheaper than ranges side by side.
		if sql, err := clvCustomersSQL.pickKept(ctx, tx, e.shop.Location.String()); err != nil || sql == clvCustomersSQL.history {
			return err
		}
		var lo, hi *int64
		if err := tx.QueryRow(ctx, `SELECT min(customer_id)::bigint, max(customer_id)::bigint FROM orders WHERE is_valid AND placed_at < $1`, asOf).Scan(&lo, &hi); err != nil {
			return err
		}
		if lo != nil && hi != nil {
			ranges = splitRange(*lo, *hi, clvReadParts)
		}
		return nil
	})
	return ranges, err
}

// clvRead runs one model-inputs statement (the form pickKept chooses) and hands its rows to emit
// in batches; it returns the text that ran.
func (e *Engine) clvRead(ctx context.Context, stmt twoWays, args []any, emit func([]clvInput) error) (string, error) {
	const batchSize = 4096
	var sql string
	err := e.db.Read(ctx, func(tx database.Tx) error {
		rs, ran, err := e.queryKeptMergedHistory(ctx, tx, stmt, args...)
		sql = ran
		if err != nil {
			return err
		}
		defer rs.Close()
		batch := make([]clvInput, 0, batchSize)
		var in clvInput
		for rs.Next() {
			if err := rs.Scan(&in.id, &in.x, &in.txDays, &in.tDays, &in.repeatValue); err != nil {
				return err
			}
			batch = append(batch, in)
			if len(batch) == batchSize {
				if err := emit(batch); err != nil {
					return err
				}
				batch = make([]clvInput, 0, batchSize)
			}
		}
		if err := rs.Err(); err != nil {
			return err
		}
		if len(batch) > 0 {
			return emit(batch)
		}
		return nil
	})
	return sql, err
}

// splitRange cuts [lo, hi] into at most n consecutive inclusive ranges of about equal width.
func splitRange(lo, hi int64, n int) [][2]int64 {
	if n < 1 || hi-lo < int64(n) || hi-lo < 0 { // hi-lo < 0: the span overflows int64
		return [][2]int64{{lo, hi}}
	}
	width := (hi-lo)/int64(n) + 1
	var out [][2]int64
	for start := lo; start <= hi; start += width {
		end := start + width - 1
		if end > hi || end < start { // end < start: overflow near the top of int64
			end = hi
		}
		out = append(out, [2]int64{start, end})
		if end == hi {
			break
		}
	}
	return out
}

// fitFor returns the models for the query's unit as of asOf, from the engine's fit cache.
func (e *Engine) fitFor(ctx context.Context, unit string, asOf time.Time) (*modelFit, error) {
	if _, err := unitDays(unit); err != nil {
		return nil, err
	}
	if unit == "" {
		unit = clvUnitWeek
	}
	return e.fits.get(ctx, e.fitKeyOf(unit, asOf))
}

// ownFitFor is fitFor that never borrows an earlier day's fit: it waits (as long as ctx allows)
// for the fit of asOf's own day.
func (e *Engine) ownFitFor(ctx context.Context, unit string, asOf time.Time) (*modelFit, error) {
	if _, err := unitDays(unit); err != nil {
		return nil, err
	}
	if unit == "" {
		unit = clvUnitWeek
	}
	return e.fits.own(ctx, e.fitKeyOf(unit, asOf))
}

// fitKeyOf is the key of the fit answering a request as of asOf.
func (e *Engine) fitKeyOf(unit string, asOf time.Time) fitKey {
	return fitKey{day: e.shop.fitDay(asOf).Format(time.DateOnly), unit: unit}
}

// fitModels fits both models on the customers as of the end of the key's day (the fit cache calls
// it): the fit depends on its key alone.
func (e *Engine) fitModels(ctx context.Context, k fitKey) (*modelFit, error) {
	start := time.Now()
	ud, err := unitDays(k.unit)
	if err != nil {
		return nil, err
	}
	keyDay, err := time.Parse(time.DateOnly, k.day)
	if err != nil {
		return nil, err
	}
	asOf := e.shop.fitAsOf(keyDay)
	f := &modelFit{Key: k, AsOf: asOf, UnitDays: ud}
	triples := map[[3]int64]float64{}
	var spends []clv.Spend
	f.SQL, err = e.clvInputs(ctx, asOf, func(in clvInput) {
		if in.tDays <= 0 {
			return
		}
		f.Customers++
		f.ObservedRepeat += float64(in.x)
		if in.tDays > f.HistoryDays {
			f.HistoryDays = in.tDays
		}
		triples[[3]int64{in.x, in.txDays, in.tDays}]++
		if in.x > 0 {
			f.Repeat++
			// A repeat buyer whose repeat orders total 0 (free orders) has no spend to model.
			if m := in.mean(); m > 0 {
				spends = append(spends, clv.Spend{X: float64(in.x), Mean: m})
			}
		}
	})
	if err != nil {
		return nil, explain("predicted CLV: customer histories", err)
	}
	f.ReadTook = time.Since(start)
	day := k.day
	if f.Customers < minFitCustomers || int64(len(spends)) < minRepeatBuyers || f.HistoryDays < minHistoryDays {
		return nil, &QueryError{cause: errTooLittleHistory, msg: fmt.Sprintf(
			"predicted CLV: too little order history as of %s to fit the models: they need at least %d customers, %d repeat buyers and %d days between the first purchase and the end of the time range; found %d customers, %d repeat buyers with a positive spend and %d days. Choose a later end of the time range, or wait for more orders",
			day, minFitCustomers, minRepeatBuyers, minHistoryDays, f.Customers, len(spends), f.HistoryDays)}
	}
	// The same history must give the same fit, to the last bit: the sums of the likelihoods must
	// not follow the order of map iteration or of the parallel reads, so both inputs are sorted.
	keys := make([][3]int64, 0, len(triples))
	for t := range triples {
		keys = append(keys, t)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		return a[0] < b[0] || a[0] == b[0] && (a[1] < b[1] || a[1] == b[1] && a[2] < b[2])
	})
	data := make([]clv.Counted, 0, len(triples))
	for _, t := range keys {
		data = append(data, clv.Counted{Summary: clvInput{x: t[0], txDays: t[1], tDays: t[2]}.summary(ud), N: triples[t]})
	}
	sort.Slice(spends, func(i, j int) bool {
		return spends[i].X < spends[j].X || spends[i].X == spends[j].X && spends[i].Mean < spends[j].Mean
	})
	spendSum := 0.0
	for _, sp := range spends {
		spendSum += sp.Mean
	}
	f.Triples = len(data)
	if f.BG, err = clv.FitBGNBDCounted(data); err != nil {
		return nil, fmt.Errorf("predicted CLV: BG/NBD fit as of %s: %w", day, err)
	}
	if f.GG, err = clv.FitGammaGamma(spends); err != nil {
		return nil, fmt.Errorf("predicted CLV: Gamma-Gamma fit as of %s: %w", day, err)
	}
	if !(f.GG.Q > 1) || !(f.BG.A > 0) {
		return nil, &QueryError{cause: errTooLittleHistory, msg: fmt.Sprintf(
			"predicted CLV: the shop's order values as of %s fit a spend model with no finite mean (q = %.3g ≤ 1), so no revenue can be predicted; this happens with a few extreme orders and little history: choose a later end of the time range", day, f.GG.Q)}
	}
	// The in-sample expectation depends on T alone: one hypergeometric series per distinct age.
	byAge := map[float64]float64{}
	var ages []float64
	for _, d := range data {
		if _, ok := byAge[d.T]; !ok {
			ages = append(ages, d.T)
		}
		byAge[d.T] += d.N
	}
	sort.Float64s(ages)
	for _, t := range ages {
		f.ExpectedRepeat += byAge[t] * f.BG.ExpectedTransactions(clv.Summary{}, t)
	}
	f.ObservedSpend = spendSum / float64(len(spends))
	f.FittedAt = time.Now()
	f.Took = time.Since(start)
	return f, nil
}

// horizonDays is the query's prediction horizon in days (the setting unless the query overrides it).
func (e *Engine) horizonDays(q CLVQuery) (int, error) {
	days := e.shop.CLVHorizonDays
	if q.HorizonDays != 0 {
		days = q.HorizonDays
	}
	if days < 1 || days > maxHorizonDays {
		return 0, invalidf("clv: horizon %d days is out of range: use 1 to %d days", days, maxHorizonDays)
	}
	return days, nil
}

// horizon is the prediction horizon of a query in the fit's unit.
func (e *Engine) horizon(q CLVQuery, f *modelFit) (clv.Horizon, int, error) {
	days, err := e.horizonDays(q)
	if err != nil {
		return clv.Horizon{}, 0, err
	}
	h := clv.Horizon{T: float64(days) / f.UnitDays}
	if r := e.shop.CLVDiscountRate; r > 0 {
		h.Delta = clv.DeltaFromAnnual(r, f.UnitDays)
		h.Steps = (days + discountStepDays - 1) / discountStepDays
	}
	return h, days, nil
}

// check rejects the query's malformed options before any work is done.
func (e *Engine) check(q CLVQuery) error {
	if _, err := unitDays(q.Unit); err != nil {
		return err
	}
	if _, err := e.horizonDays(q); err != nil {
		return err
	}
	if q.Limit < 0 || q.Limit > maxCLVLimit {
		return invalidf("clv: limit %d is out of range: use 1 to %d customers", q.Limit, maxCLVLimit)
	}
	if v := q.MaxProbabilityAlive; v != nil && !(*v > 0 && *v <= 1) {
		return invalidf("clv: maxProbabilityAlive %v is out of range: use a probability above 0 and at most 1 (0.5 by default)", *v)
	}
	if q.View == CLVSegments {
		if _, err := customerDimensionOf(q.Dimension); err != nil {
			return err
		}
	}
	return nil
}

// predictor predicts customers with one fit and horizon (clv.Forecaster sums each hypergeometric
// series once per distinct (x, T)).
type predictor struct {
	f  *modelFit
	fc *clv.Forecaster
	// bad is the first customer whose prediction was not a finite number: views answer an error
	// rather than sums that one NaN would make NaN.
	bad *clvInput
}

// checked records in the first customer whose prediction is not finite.
func (p *predictor) checked(in clvInput, vs ...float64) {
	if p.bad != nil {
		return
	}
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			p.bad = &in
			return
		}
	}
}

// err is the error of a non-finite prediction, or nil.
func (p *predictor) err() error {
	if p.bad == nil {
		return nil
	}
	in := *p.bad
	return fmt.Errorf("predicted CLV: the models fitted as of %s give no finite prediction for customer %q (x = %d, t_x = %d days, T = %d days; r = %g, alpha = %g, a = %g, b = %g, p = %g, q = %g, gamma = %g): please report it; a shorter horizon may avoid it",
		p.f.Key.day, in.id, in.x, in.txDays, in.tDays, p.f.BG.R, p.f.BG.Alpha, p.f.BG.A, p.f.BG.B, p.f.GG.P, p.f.GG.Q, p.f.GG.Gamma)
}

// tripleForecast is what depends on (x, t_x, T) only.
type tripleForecast struct {
	pAlive, transactions, present float64
}

func newPredictor(f *modelFit, h clv.Horizon) *predictor {
	return &predictor{f: f, fc: clv.NewForecaster(f.BG, f.GG, h)}
}

func (p *predictor) triple(x, txDays, tDays int64) tripleForecast {
	var t tripleForecast
	t.pAlive, t.transactions, t.present = p.fc.Forecast(clvInput{x: x, txDays: txDays, tDays: tDays}.summary(p.f.UnitDays))
	return t
}

// predict forecasts one customer: it equals clv.Predict for the same inputs. A prediction that is
// not finite is recorded (err).
func (p *predictor) predict(in clvInput) clv.Prediction {
	pred := p.fc.Predict(in.summary(p.f.UnitDays), in.mean())
	p.checked(in, pred.PAlive, pred.Transactions, pred.Value)
	return pred
}

// groupValue is the predicted value of n customers sharing (x, t_x, T) whose mean repeat values
// sum to sumMean: the spend model's expected value is linear in the mean, so the group's value is
// present·p/(p·x+q−1)·(n·γ + x·Σmean) (for x = 0 it is n times the population mean).
func (p *predictor) groupValue(x, txDays, tDays int64, n, sumMean float64) (tripleForecast, float64) {
	t := p.triple(x, txDays, tDays)
	g := p.f.GG
	v := t.present * g.P / (g.P*float64(x) + g.Q - 1) * (n*g.Gamma + float64(x)*sumMean)
	p.checked(clvInput{x: x, txDays: txDays, tDays: tDays}, t.pAlive, t.transactions, v)
	return t, v
}

// CLV answers query type "clv".
func (e *Engine) CLV(ctx context.Context, q CLVQuery, p Period) (data.Frames, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := e.check(q); err != nil {
		return nil, err
	}
	switch q.View {
	case "", CLVCustomers, CLVAtRisk:
		return e.clvCustomers(ctx, q, p)
	case CLVTotal:
		return e.clvTotal(ctx, q, p)
	case CLVSegments:
		return e.clvSegments(ctx, q, p)
	case CLVFit:
		return e.clvFit(ctx, q, p)
	case CLVHoldout:
		return e.clvHoldout(ctx, q, p)
	}
	return nil, invalidf("clv: unknown view %q: use customers, at_risk, total, segments, fit or holdout", q.View)
}

// clvMeta stamps what every clv frame says about its model.
func (e *Engine) clvMeta(f *modelFit, asOf time.Time, horizonDays int) map[string]string {
	m := map[string]string{
		"as_of":      asOf.In(e.shop.Location).Format(time.RFC3339),
		"model_day":  f.Key.day,
		"unit":       f.Key.unit,
		"fitted_at":  f.FittedAt.UTC().Format(time.RFC3339),
		"fit_millis": strconv.FormatInt(f.Took.Milliseconds(), 10),
	}
	if horizonDays > 0 {
		m["horizon_days"] = strconv.Itoa(horizonDays)
		m["discount_rate"] = strconv.FormatFloat(e.shop.CLVDiscountRate, 'g', -1, 64)
	}
	return m
}

// borrowedNotice says when the model answering was fitted for an earlier day.
func (e *Engine) borrowedNotice(f *modelFit, asOf time.Time) string {
	want := e.shop.fitDay(asOf).Format(time.DateOnly)
	if f.Key.day == want {
		return ""
	}
	return fmt.Sprintf("The model was fitted as of %s; the fit as of %s is running in the background and will answer on refresh.", f.Key.day, want)
}
