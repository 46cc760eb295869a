package analytics_test

import (
	"bufio"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/clv"
	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
	"github.com/storelens/customer-analytics-datasource/pkg/requestshare"
)

// The CDNOW sample's calibration and holdout ends (FHL 2005): the calibration covers purchases up
// to 1997-09-30, the holdout up to 1998-06-30; as periods, they end at the next midnight.
var (
	cdnowCalEnd  = time.Date(1997, 10, 1, 0, 0, 0, 0, time.UTC)
	cdnowHoldEnd = time.Date(1998, 7, 1, 0, 0, 0, 0, time.UTC)
)

// cdnowLine is one transaction line of CDNOW_sample.txt.
type cdnowLine struct {
	customer int64
	day      time.Time
	value    float64
}

// readCDNOW parses ../shared/data/cdnow/CDNOW_sample.txt (beside the repository).
func readCDNOW(t testing.TB) []cdnowLine {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "data", "cdnow", "CDNOW_sample.txt")
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("the CDNOW sample is missing (%v): the tests expect ../shared/data/cdnow beside the repository", err)
	}
	defer f.Close()
	var out []cdnowLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 5 {
			continue
		}
		id, err1 := strconv.ParseInt(fs[0], 10, 64)
		day, err2 := time.Parse("20060102", fs[2])
		v, err3 := strconv.ParseFloat(fs[4], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			t.Fatalf("bad CDNOW line %q", sc.Text())
		}
		out = append(out, cdnowLine{id, day, v})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) != 6919 {
		t.Fatalf("CDNOW sample: %d lines, want 6919", len(out))
	}
	return out
}

// cdnowEngine loads the CDNOW sample into the contract (once per server, as a template): each
// transaction line is a valid order at noon UTC of its day, each customer created on their first
// purchase day. The engine reads it as a UTC shop.
func cdnowEngine(t *testing.T) (*analytics.Engine, []cdnowLine) {
	t.Helper()
	lines := readCDNOW(t)
	e := analytics.New(openDB(t, cdnowDSN(t, lines)), analytics.DefaultShop())
	t.Cleanup(e.Close)
	return e, lines
}

// cdnowDSN is the DSN of the CDNOW template database.
func cdnowDSN(t *testing.T, lines []cdnowLine) string {
	t.Helper()
	name := pgtest.Template(t, "cdnow_sample_v1", func(ctx context.Context, dsn string) error {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		if err := contract.Create(ctx, conn, true); err != nil {
			return err
		}
		first := map[int64]time.Time{}
		var orders [][]any
		for i, l := range lines {
			if f, ok := first[l.customer]; !ok || l.day.Before(f) {
				first[l.customer] = l.day
			}
			orders = append(orders, []any{int64(i + 1), l.customer, l.day.Add(12 * time.Hour), true, l.value})
		}
		var customers [][]any
		for id, f := range first {
			customers = append(customers, []any{id, f})
		}
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{"commerce", "customers"}, []string{"customer_id", "created_at"}, pgx.CopyFromRows(customers)); err != nil {
			return err
		}
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{"commerce", "orders"}, []string{"order_id", "customer_id", "placed_at", "is_valid", "total"}, pgx.CopyFromRows(orders)); err != nil {
			return err
		}
		_, err = conn.Exec(ctx, "ANALYZE")
		return err
	})
	return pgtest.WithDatabase(pgtest.AdminDSN(t), name)
}

// fieldValue is the value of the named field at row i.
func fieldValue(t *testing.T, f *frameT, name string, i int) any {
	t.Helper()
	fl, _ := f.FieldByName(name)
	if fl == nil {
		t.Fatalf("frame %s has no field %s", f.Name, name)
	}
	return fl.At(i)
}

func within(t *testing.T, what string, got, want, rel float64) {
	t.Helper()
	if math.Abs(got-want) > rel*math.Abs(want) {
		t.Errorf("%s = %.6g, want %.6g within %.2g%%", what, got, want, rel*100)
	}
}

// TestCLVFitCDNOW: the fit from the SQL summaries of the CDNOW sample loaded into the contract
// reproduces the published parameters (FHL 2005; Fader & Hardie 2013) within 1 %.
func TestCLVFitCDNOW(t *testing.T) {
	e, _ := cdnowEngine(t)
	fs, err := e.CLV(context.Background(), analytics.CLVQuery{View: "fit", Unit: "week"}, analytics.Period{From: cdnowCalEnd.AddDate(0, 0, -1), To: cdnowCalEnd})
	if err != nil {
		t.Fatal(err)
	}
	f := fs[0]
	num := func(name string) float64 {
		v, ok := fieldValue(t, f, name, 0).(float64)
		if !ok {
			return float64(fieldValue(t, f, name, 0).(int64))
		}
		return v
	}
	if got := fieldValue(t, f, "model_day", 0); got != "1997-09-30" {
		t.Errorf("model day %v, want 1997-09-30", got)
	}
	if got := num("customers"); got != 2357 {
		t.Errorf("customers %v, want 2357", got)
	}
	if got := num("repeat_customers"); got != 946 {
		t.Errorf("repeat customers %v, want 946", got)
	}
	for _, c := range []struct {
		name string
		want float64
	}{
		{"r", 0.243}, {"alpha", 4.414}, {"a", 0.793}, {"b", 2.426}, {"bgnbd_log_likelihood", -9582.4},
		{"p", 6.25}, {"q", 3.74}, {"gamma", 15.44},
	} {
		within(t, c.name, num(c.name), c.want, 0.01)
	}
	// The in-sample check: the model's expected calibration repeat purchases are close to the
	// observed ones (2,457: the sum of x in the published summary file).
	if got := num("observed_repeat_purchases"); got != 2457 {
		t.Errorf("observed repeat purchases %v, want 2457", got)
	}
	within(t, "expected repeat purchases", num("expected_repeat_purchases"), 2457, 0.05)
	for _, n := range []string{"r", "alpha", "a", "b", "bgnbd_log_likelihood", "p", "q", "gamma", "gamma_gamma_log_likelihood", "expected_repeat_purchases"} {
		t.Logf("%s = %.4f", n, num(n))
	}
	if got := fieldValue(t, f, "bgnbd_converged", 0); got != "true" {
		t.Errorf("BG/NBD did not converge")
	}
	// A fit in days gives the same model: alpha scales by 7, the rest is unchanged.
	fd, err := e.CLV(context.Background(), analytics.CLVQuery{View: "fit", Unit: "day"}, analytics.Period{From: cdnowCalEnd.AddDate(0, 0, -1), To: cdnowCalEnd})
	if err != nil {
		t.Fatal(err)
	}
	within(t, "alpha in days / 7", fieldValue(t, fd[0], "alpha", 0).(float64)/7, num("alpha"), 0.005)
	within(t, "r in days", fieldValue(t, fd[0], "r", 0).(float64), num("r"), 0.005)
}

// cdnowHistories is the independent computation: pkg/clv's Summarize over the raw lines (Go, no
// SQL) as of the calibration end, and the fitted models.
func cdnowHistories(t *testing.T, lines []cdnowLine) ([]clv.History, clv.BGNBD, clv.GammaGamma) {
	t.Helper()
	var ps []clv.Purchase
	for _, l := range lines {
		ps = append(ps, clv.Purchase{Customer: strconv.FormatInt(l.customer, 10), Time: l.day, Value: l.value})
	}
	hist := clv.Summarize(ps, cdnowCalEnd.AddDate(0, 0, -1), 7*24*time.Hour)
	var sums []clv.Summary
	var spends []clv.Spend
	for _, h := range hist {
		sums = append(sums, h.Summary)
		if h.X > 0 {
			spends = append(spends, clv.Spend{X: h.X, Mean: h.Mean})
		}
	}
	bg, err := clv.FitBGNBD(sums)
	if err != nil {
		t.Fatal(err)
	}
	gg, err := clv.FitGammaGamma(spends)
	if err != nil {
		t.Fatal(err)
	}
	return hist, bg, gg
}

// TestCLVHoldoutCDNOW: the calibration/holdout table equals an independent computation from the
// raw file: actual holdout purchase days counted in Go, expected from pkg/clv's own fit.
func TestCLVHoldoutCDNOW(t *testing.T) {
	e, lines := cdnowEngine(t)
	hist, bg, _ := cdnowHistories(t, lines)
	fs, err := e.CLV(context.Background(), analytics.CLVQuery{View: "holdout"}, analytics.Period{From: cdnowCalEnd, To: cdnowHoldEnd})
	if err != nil {
		t.Fatal(err)
	}
	f := fs[0]
	holdDays := map[int64]map[time.Time]bool{}
	for _, l := range lines {
		if !l.day.Before(cdnowCalEnd) && l.day.Before(cdnowHoldEnd) {
			if holdDays[l.customer] == nil {
				holdDays[l.customer] = map[time.Time]bool{}
			}
			holdDays[l.customer][l.day] = true
		}
	}
	weeks := 39.0 // 1997-10-01 .. 1998-06-30: 273 days
	type row struct {
		customers        int64
		actual, expected float64
	}
	want := make([]row, 9)
	for _, h := range hist {
		id, _ := strconv.ParseInt(h.Customer, 10, 64)
		i := min(int(h.X), 7)
		for _, j := range []int{i, 8} {
			want[j].customers++
			want[j].actual += float64(len(holdDays[id]))
			want[j].expected += bg.ExpectedTransactions(h.Summary, weeks)
		}
	}
	if n, _ := f.RowLen(); n != 9 {
		t.Fatalf("%d rows, want 0..6, 7+ and all", n)
	}
	for i, w := range want {
		label := fieldValue(t, f, "calibration_repeat_purchases", i)
		if got := fieldValue(t, f, "customers", i).(int64); got != w.customers {
			t.Errorf("%v: customers %d, want %d", label, got, w.customers)
		}
		if got := fieldValue(t, f, "actual_purchases", i).(float64); got != w.actual {
			t.Errorf("%v: actual %v, want %v", label, got, w.actual)
		}
		within(t, label.(string)+" expected", fieldValue(t, f, "expected_purchases", i).(float64), w.expected, 1e-6)
		t.Logf("| %s | %d | %.0f | %.1f | %.3f | %.3f |", label, w.customers, w.actual, w.expected, w.actual/float64(w.customers), w.expected/float64(w.customers))
	}
	if want[8].actual != 1882 || want[8].customers != 2357 {
		t.Errorf("all: %v actual purchases by %d customers, want 1882 by 2357", want[8].actual, want[8].customers)
	}
	t.Logf("holdout: expected %.1f, actual %.0f", want[8].expected, want[8].actual)
}

// TestCLVPredictionsCDNOW: the per-customer tables, the segments view, the segment breakdown and
// the customer report agree with predictions made in Go from the raw file.
func TestCLVPredictionsCDNOW(t *testing.T) {
	e, lines := cdnowEngine(t)
	hist, bg, gg := cdnowHistories(t, lines)
	ctx := context.Background()
	p := analytics.Period{From: cdnowCalEnd.AddDate(0, 0, -30), To: cdnowCalEnd}
	h := clv.Horizon{T: 365.0 / 7}
	type pred struct {
		id string
		clv.Prediction
		score float64
	}
	orders := map[string]int{}
	for _, l := range lines {
		if l.day.Before(cdnowCalEnd) {
			orders[strconv.FormatInt(l.customer, 10)]++
		}
	}
	var all []pred
	band := map[string]float64{}
	bandN := map[string]int64{}
	var total float64
	for _, hh := range hist {
		pr := clv.Predict(bg, gg, hh.Summary, hh.Mean, h)
		all = append(all, pred{hh.Customer, pr, pr.Value})
		b := map[int]string{1: "one-time", 2: "repeat", 3: "loyal", 4: "loyal"}[orders[hh.Customer]]
		if b == "" {
			b = "very loyal"
		}
		band[b] += pr.Value
		bandN[b]++
		total += pr.Value
	}
	rank := func(ps []pred) {
		sort.Slice(ps, func(i, j int) bool {
			if ps[i].score != ps[j].score {
				return ps[i].score > ps[j].score
			}
			a, b := ps[i].id, ps[j].id
			if len(a) != len(b) {
				return len(a) < len(b)
			}
			return a < b
		})
	}
	t.Run("customers", func(t *testing.T) {
		rank(all)
		fs, err := e.CLV(ctx, analytics.CLVQuery{Limit: 25}, p)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := fs[0].RowLen(); n != 25 {
			t.Fatalf("%d rows, want 25", n)
		}
		for i := 0; i < 25; i++ {
			if got := fieldValue(t, fs[0], "customer_id", i); got != all[i].id {
				t.Fatalf("row %d: customer %v, want %s", i, got, all[i].id)
			}
			within(t, "predicted CLV", fieldValue(t, fs[0], "predicted_clv", i).(float64), all[i].Value, 1e-6)
			within(t, "P alive", fieldValue(t, fs[0], "p_alive", i).(float64), all[i].PAlive, 1e-6)
			within(t, "expected orders", fieldValue(t, fs[0], "expected_orders", i).(float64), all[i].Transactions, 1e-6)
		}
	})
	t.Run("at_risk", func(t *testing.T) {
		var risk []pred
		for _, a := range all {
			if a.PAlive < 0.3 {
				a.score = a.Value/a.PAlive - a.Value
				risk = append(risk, a)
			}
		}
		rank(risk)
		bound := 0.3
		fs, err := e.CLV(ctx, analytics.CLVQuery{View: "at_risk", Limit: 10, MaxProbabilityAlive: &bound}, p)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 10; i++ {
			if got := fieldValue(t, fs[0], "customer_id", i); got != risk[i].id {
				t.Fatalf("row %d: customer %v, want %s", i, got, risk[i].id)
			}
			within(t, "value at risk", fieldValue(t, fs[0], "value_at_risk", i).(float64), risk[i].score, 1e-6)
		}
	})
	t.Run("segments", func(t *testing.T) {
		fs, err := e.CLV(ctx, analytics.CLVQuery{View: "segments", Dimension: "frequency_band"}, p)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range []string{"one-time", "repeat", "loyal", "very loyal"} {
			if got := fieldValue(t, fs[0], "frequency_band", i); got != b {
				t.Fatalf("row %d: %v, want %s", i, got, b)
			}
			if got := fieldValue(t, fs[0], "customers", i).(int64); got != bandN[b] {
				t.Errorf("%s: %d customers, want %d", b, got, bandN[b])
			}
			within(t, b+" predicted revenue", fieldValue(t, fs[0], "predicted_revenue", i).(float64), band[b], 1e-6)
		}
		// A dimension of the customers row alone (gender) reads its customers without deriving
		// every contact's order figures: its values must still add up to every customer's
		// prediction.
		gs, err := e.CLV(ctx, analytics.CLVQuery{View: "segments", Dimension: "gender"}, p)
		if err != nil {
			t.Fatal(err)
		}
		var gN int64
		var gRevenue float64
		for i := 0; i < gs[0].Rows(); i++ {
			gN += fieldValue(t, gs[0], "customers", i).(int64)
			gRevenue += fieldValue(t, gs[0], "predicted_revenue", i).(float64)
		}
		if gN != int64(len(hist)) {
			t.Errorf("by gender: %d customers, want %d", gN, len(hist))
		}
		within(t, "predicted revenue by gender", gRevenue, total, 1e-6)
		// The segment breakdown shows the same figure per value.
		bd, err := e.Segments(ctx, analytics.SegmentsQuery{Dimension: "frequency_band"}, p)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range []string{"one-time", "repeat", "loyal", "very loyal"} {
			within(t, b+" breakdown predicted CLV", *fieldValue(t, bd[0], "predicted_clv", i).(*float64), band[b]/float64(bandN[b]), 1e-6)
		}
		// In one request the segments with and without a metric and the breakdown of the same
		// dimension share the predictions (one statement and one pass of the models), and the
		// breakdowns with and without a metric share their statement; each answers as alone.
		var computed []string
		shared := requestshare.With(ctx, func(k string) { computed = append(computed, strings.SplitN(k, "\x00", 2)[0]) })
		for _, q := range []analytics.CLVQuery{
			{View: "segments", Dimension: "frequency_band"},
			{View: "segments", Dimension: "frequency_band", Metric: "predicted_clv"},
		} {
			got, err := e.CLV(shared, q, p)
			if err != nil {
				t.Fatal(err)
			}
			alone, err := e.CLV(ctx, q, p)
			if err != nil {
				t.Fatal(err)
			}
			if diff := frameDiff(got[0], alone[0]); diff != "" {
				t.Errorf("%+v in one request: %s", q, diff)
			}
		}
		for _, q := range []analytics.SegmentsQuery{
			{Dimension: "frequency_band"},
			{Dimension: "frequency_band", Metric: "predicted_clv"},
		} {
			got, err := e.Segments(shared, q, p)
			if err != nil {
				t.Fatal(err)
			}
			alone, err := e.Segments(ctx, q, p)
			if err != nil {
				t.Fatal(err)
			}
			if diff := frameDiff(got[0], alone[0]); diff != "" {
				t.Errorf("%+v in one request: %s", q, diff)
			}
		}
		if want := []string{"clv_by_dimension", "segments_breakdown"}; !slices.Equal(computed, want) {
			t.Errorf("four queries of one dimension in one request computed %q, want %q", computed, want)
		}
	})
	t.Run("total", func(t *testing.T) {
		var pAlive, orders float64
		for _, a := range all {
			pAlive += a.PAlive
			orders += a.Transactions
		}
		fs, err := e.CLV(ctx, analytics.CLVQuery{View: "total"}, p)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := fs[0].RowLen(); n != 1 {
			t.Fatalf("%d rows, want 1", n)
		}
		if got := fieldValue(t, fs[0], "customers", 0).(int64); got != int64(len(hist)) {
			t.Errorf("%d customers, want %d", got, len(hist))
		}
		within(t, "predicted revenue", fieldValue(t, fs[0], "predicted_revenue", 0).(float64), total, 1e-6)
		within(t, "predicted CLV", *fieldValue(t, fs[0], "predicted_clv", 0).(*float64), total/float64(len(hist)), 1e-6)
		within(t, "probability active", *fieldValue(t, fs[0], "p_alive", 0).(*float64), pAlive/float64(len(hist)), 1e-6)
		within(t, "expected orders", fieldValue(t, fs[0], "expected_orders", 0).(float64), orders, 1e-6)
	})
	// The customer report's scope: the customers who ordered in the period's 30 days. Their
	// predictions come from the model fitted on every customer.
	inScope := map[string]bool{}
	for _, l := range lines {
		if !l.day.Before(p.From) && l.day.Before(p.To) {
			inScope[strconv.FormatInt(l.customer, 10)] = true
		}
	}
	if len(inScope) == 0 || len(inScope) == len(hist) {
		t.Fatalf("%d of %d customers in the scope: the test needs a proper subset", len(inScope), len(hist))
	}
	var scopeTotal float64
	for _, a := range all {
		if inScope[a.id] {
			scopeTotal += a.Value
		}
	}
	// order_history's purchase days are built in UTC. A New York shop has the same days (every
	// order is placed at noon UTC) but cannot read them, so it runs the orders form.
	ny := analytics.DefaultShop()
	ny.Location, _ = time.LoadLocation("America/New_York")
	nyEngine := analytics.New(openDB(t, cdnowDSN(t, lines)), ny)
	defer nyEngine.Close()
	// The New York range runs between the same dates' New York midnights: the fit is always of
	// whole local days (the last one ending at or before the range's end), and these bounds hold
	// the same orders (all at 08:00 in New York).
	local := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, ny.Location) }
	pNY := analytics.Period{From: local(p.From), To: local(p.To)}
	for name, re := range map[string]*analytics.Engine{"customer report": e, "customer report, orders form": nyEngine} {
		t.Run(name, func(t *testing.T) {
			rp := p
			if re == nyEngine {
				rp = pNY
			}
			fs, err := re.Customers(ctx, analytics.CustomersQuery{View: "summary"}, rp, 24*time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if got := fieldValue(t, fs[0], "customers", 0).(int64); got != int64(len(inScope)) {
				t.Errorf("%d customers in the report, want %d", got, len(inScope))
			}
			within(t, "predicted CLV", *fieldValue(t, fs[0], "predicted_clv", 0).(*float64), scopeTotal/float64(len(inScope)), 1e-6)
			within(t, "predicted revenue", *fieldValue(t, fs[0], "predicted_revenue", 0).(*float64), scopeTotal, 1e-6)
		})
	}
	t.Run("discounted", func(t *testing.T) {
		shop := analytics.DefaultShop()
		shop.CLVDiscountRate = 0.1
		shop.CLVHorizonDays = 730
		de := analytics.New(openDB(t, cdnowDSN(t, lines)), shop)
		defer de.Close()
		fs, err := de.CLV(ctx, analytics.CLVQuery{Limit: 1}, p)
		if err != nil {
			t.Fatal(err)
		}
		rank(all)
		var top clv.History
		for _, hh := range hist {
			if hh.Customer == all[0].id {
				top = hh
			}
		}
		hd := clv.Horizon{T: 730.0 / 7, Delta: clv.DeltaFromAnnual(0.1, 7), Steps: 25}
		want := clv.Predict(bg, gg, top.Summary, top.Mean, hd)
		within(t, "discounted CLV", fieldValue(t, fs[0], "predicted_clv", 0).(float64), want.Value, 1e-6)
		undiscounted := clv.Predict(bg, gg, top.Summary, top.Mean, clv.Horizon{T: 730.0 / 7})
		if !(want.Value < undiscounted.Value) {
			t.Errorf("discounting did not lower the value: %v vs %v", want.Value, undiscounted.Value)
		}
	})
}

// TestCLVTooLittleHistory: a shop with a handful of customers gets a clear message from the clv
// views, and the segment breakdown and customer report still answer, without a prediction.
func TestCLVTooLittleHistory(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
	db := fixtureDB(t, []order{{1, day(0), true, 10}, {1, day(5), true, 20}, {2, day(1), true, 15}})
	e := analytics.New(db, analytics.DefaultShop())
	defer e.Close()
	ctx := context.Background()
	p := analytics.Period{From: day(0), To: day(30)}
	for _, view := range []string{"customers", "at_risk", "fit"} {
		_, err := e.CLV(ctx, analytics.CLVQuery{View: view}, p)
		if err == nil || !analytics.IsQueryError(err) || !contains(err.Error(), "too little order history") || !errors.Is(err, clv.ErrTooLittleHistory) {
			t.Errorf("%s: %v, want the too-little-history message", view, err)
		}
	}
	bd, err := e.Segments(ctx, analytics.SegmentsQuery{Dimension: "frequency_band"}, p)
	if err != nil {
		t.Fatal(err)
	}
	if v := fieldValue(t, bd[0], "predicted_clv", 0).(*float64); v != nil {
		t.Errorf("predicted CLV %v without a fit", *v)
	}
	if len(bd[0].Meta.Notices) == 0 || !contains(bd[0].Meta.Notices[0].Text, "too little order history") {
		t.Errorf("no notice explaining the missing prediction: %+v", bd[0].Meta.Notices)
	}
	cs, err := e.Customers(ctx, analytics.CustomersQuery{}, p, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if v := fieldValue(t, cs[0], "predicted_clv", 0).(*float64); v != nil {
		t.Errorf("customer report predicted CLV %v without a fit", *v)
	}
}

// TestCLVBadInput: every malformed option is refused with a message saying what to use.
func TestCLVBadInput(t *testing.T) {
	e, _ := cdnowEngine(t)
	p := analytics.Period{From: cdnowCalEnd.AddDate(0, 0, -7), To: cdnowCalEnd}
	neg, big := -0.1, 1.5
	for _, c := range []struct {
		q    analytics.CLVQuery
		want string
	}{
		{analytics.CLVQuery{View: "nope"}, "unknown view"},
		{analytics.CLVQuery{Unit: "fortnight"}, "unknown time unit"},
		{analytics.CLVQuery{Limit: -1}, "limit -1 is out of range"},
		{analytics.CLVQuery{Limit: 1_000_000}, "out of range"},
		{analytics.CLVQuery{HorizonDays: -5}, "horizon -5 days is out of range"},
		{analytics.CLVQuery{HorizonDays: 100000}, "out of range"},
		{analytics.CLVQuery{View: "at_risk", MaxProbabilityAlive: &neg}, "maxProbabilityAlive"},
		{analytics.CLVQuery{View: "at_risk", MaxProbabilityAlive: &big}, "maxProbabilityAlive"},
		{analytics.CLVQuery{View: "segments", Dimension: "shoe_size"}, "unknown dimension"},
		{analytics.CLVQuery{View: "segments", Dimension: "persona", Metric: "nope"}, "unknown metric"},
	} {
		_, err := e.CLV(context.Background(), c.q, p)
		if err == nil || !analytics.IsQueryError(err) || !contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want a query error with %q", c.q, err, c.want)
		}
	}
}

// TestCLVSummariesHandCounted pins the model inputs the SQL computes on a hand-made shop in New
// York: purchases are local days (two orders an hour apart across local midnight are two
// purchases; two orders on one local day are one, their totals summed), invalid orders and orders
// at or after the period's end do not count, a customer who first bought on the last day has age
// 0. Eighty regular customers make the shop big enough to fit; the predictions of the pinned
// customers must equal pkg/clv's for the fitted parameters.
func TestCLVSummariesHandCounted(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, ny) }
	to := at(2026, 4, 1, 0, 0)
	orders := []order{
		{1, at(2026, 3, 1, 23, 30), true, 10},  // 04:30 UTC on 2 March
		{1, at(2026, 3, 2, 0, 30), true, 20},   // the next local day, the same UTC day
		{1, at(2026, 3, 10, 10, 0), false, 99}, // invalid
		{1, at(2026, 3, 10, 11, 0), true, 5},
		{1, at(2026, 3, 10, 15, 0), true, 7}, // same local day: one purchase of 12
		{2, at(2026, 3, 31, 23, 59), true, 40},
		{2, to, true, 50}, // at the end: excluded
	}
	for c := int64(100); c < 180; c++ {
		first := at(2025, 9, 1, 12, 0).AddDate(0, 0, int(c%30))
		orders = append(orders, order{c, first, true, float64(20 + c%17)})
		for k := int64(1); k <= c%4; k++ {
			orders = append(orders, order{c, first.AddDate(0, 0, int(k*(15+c%40))), true, float64(10 + (c*k)%23)})
		}
	}
	db := fixtureDB(t, orders)
	ctx := context.Background()
	p := analytics.Period{From: to.AddDate(0, 0, -7), To: to}
	type want struct {
		purchases, recency, age int64
		mean                    *float64
	}
	sixteen := 16.0
	for _, c := range []struct {
		tz   *time.Location
		want map[string]want
	}{
		{ny, map[string]want{"1": {3, 21, 30, &sixteen}, "2": {1, 0, 0, nil}}},
		// Read in UTC, customer 1's first two orders fall on 2 March: two purchases, the
		// repeat one (12) on 10 March; the period ends at 04:00 UTC on 1 April, so 1 April is
		// its last day (age 30, recency 22), and customer 2's order is on it.
		{time.UTC, map[string]want{"1": {2, 22, 30, ptr(12.0)}, "2": {1, 0, 0, nil}}},
	} {
		shop := analytics.DefaultShop()
		shop.Location = c.tz
		e := analytics.New(db, shop)
		fs, err := e.CLV(ctx, analytics.CLVQuery{Limit: 1000}, p)
		if err != nil {
			t.Fatal(err)
		}
		fit, err := e.CLV(ctx, analytics.CLVQuery{View: "fit"}, p)
		if err != nil {
			t.Fatal(err)
		}
		e.Close()
		f := fs[0]
		num := func(name string) float64 { return fieldValue(t, fit[0], name, 0).(float64) }
		bg := clv.BGNBD{R: num("r"), Alpha: num("alpha"), A: num("a"), B: num("b")}
		gg := clv.GammaGamma{P: num("p"), Q: num("q"), Gamma: num("gamma")}
		if n, _ := f.RowLen(); n != 82 {
			t.Fatalf("%s: %d customers, want 82", c.tz, n)
		}
		if got := fieldValue(t, fit[0], "customers", 0).(int64); got != 81 {
			t.Errorf("%s: %d customers fitted, want 81 (customer 2 is 0 days old)", c.tz, got)
		}
		for i := 0; i < 82; i++ {
			id := fieldValue(t, f, "customer_id", i).(string)
			w, ok := c.want[id]
			if !ok {
				continue
			}
			got := want{fieldValue(t, f, "purchases", i).(int64), fieldValue(t, f, "days_since_last_purchase", i).(int64),
				fieldValue(t, f, "days_since_first_purchase", i).(int64), fieldValue(t, f, "avg_repeat_value", i).(*float64)}
			if got.purchases != w.purchases || got.recency != w.recency || got.age != w.age || (got.mean == nil) != (w.mean == nil) || (got.mean != nil && *got.mean != *w.mean) {
				t.Errorf("%s customer %s: got %+v (mean %v), want %+v (mean %v)", c.tz, id, got, orZero(got.mean), w, orZero(w.mean))
			}
			x := float64(w.purchases - 1)
			s := clv.Summary{X: x, TX: float64(w.age-w.recency) / 7, T: float64(w.age) / 7}
			pred := clv.Predict(bg, gg, s, orZero(w.mean), clv.Horizon{T: 365.0 / 7})
			within(t, c.tz.String()+" "+id+" predicted CLV", fieldValue(t, f, "predicted_clv", i).(float64), pred.Value, 1e-9)
			within(t, c.tz.String()+" "+id+" P alive", fieldValue(t, f, "p_alive", i).(float64), pred.PAlive, 1e-9)
		}
	}
}

func ptr(v float64) *float64 { return &v }

func orZero(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}
