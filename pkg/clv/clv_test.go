package clv

import (
	"bufio"
	"encoding/csv"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/diff/fd"
)

// cdnowDir finds the CDNOW sample beside the repository (../shared/data/cdnow
// from the repo root), where CI clones it; tests that need it skip otherwise.
func cdnowDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "data", "cdnow")
	if _, err := os.Stat(filepath.Join(dir, "CDNOW_sample.txt")); err != nil {
		t.Skipf("CDNOW sample not found at %s (expected shared/ checked out beside the repository): %v", dir, err)
	}
	return dir
}

type csvRow struct {
	Summary
	Zbar float64
}

// loadCSV reads the published per-customer calibration summary, keyed by ID.
func loadCSV(t testing.TB) map[string]csvRow {
	t.Helper()
	f, err := os.Open(filepath.Join(cdnowDir(t), "cdnow_customers_summary_with_transactions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]csvRow, len(recs))
	for _, r := range recs[1:] {
		var v [4]float64
		for i := range v {
			if v[i], err = strconv.ParseFloat(r[i+1], 64); err != nil {
				t.Fatalf("row %v: %v", r, err)
			}
		}
		out[r[0]] = csvRow{Summary{X: v[0], TX: v[1], T: v[2]}, v[3]}
	}
	return out
}

func csvData(t testing.TB) ([]Summary, []Spend) {
	rows := loadCSV(t)
	var s []Summary
	var sp []Spend
	for _, r := range rows {
		s = append(s, r.Summary)
		if r.X > 0 {
			sp = append(sp, Spend{X: r.X, Mean: r.Zbar})
		}
	}
	return s, sp
}

// loadRaw reads CDNOW_sample.txt, keying customers by the sample ID that the
// CSV's ID column uses.
func loadRaw(t testing.TB) []Purchase {
	t.Helper()
	f, err := os.Open(filepath.Join(cdnowDir(t), "CDNOW_sample.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Purchase
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		if len(fs) != 5 {
			t.Fatalf("bad line %q", sc.Text())
		}
		id, err := strconv.Atoi(fs[1])
		if err != nil {
			t.Fatal(err)
		}
		d, err := time.Parse("20060102", fs[2])
		if err != nil {
			t.Fatal(err)
		}
		v, err := strconv.ParseFloat(fs[4], 64)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, Purchase{Customer: strconv.Itoa(id), Time: d, Value: v})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	calEnd  = time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)
	holdEnd = time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC)
	week    = 7 * 24 * time.Hour
)

func within(t *testing.T, name string, got, want, rel float64) {
	t.Helper()
	if math.Abs(got-want) > rel*math.Abs(want) {
		t.Errorf("%s = %.4f, want %.4f within %.1f%%", name, got, want, rel*100)
	}
}

func checkPublishedBGNBD(t *testing.T, m BGNBD) {
	t.Helper()
	within(t, "r", m.R, 0.243, 0.01)
	within(t, "alpha", m.Alpha, 4.414, 0.01)
	within(t, "a", m.A, 0.793, 0.01)
	within(t, "b", m.B, 2.426, 0.01)
	within(t, "LL", m.LogLik, -9582.4, 0.01)
	if !m.Converged {
		t.Errorf("fit did not converge: %+v", m)
	}
}

func TestFitBGNBDCDNOW(t *testing.T) {
	data, _ := csvData(t)
	if len(data) != 2357 {
		t.Fatalf("got %d customers, want 2357", len(data))
	}
	start := time.Now()
	m, err := FitBGNBD(data)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("BG/NBD: r=%.4f alpha=%.4f a=%.4f b=%.4f LL=%.2f iterations=%d converged=%v in %v",
		m.R, m.Alpha, m.A, m.B, m.LogLik, m.Iterations, m.Converged, time.Since(start))
	checkPublishedBGNBD(t, m)
	// The grouped likelihood the optimiser used must equal the plain sum.
	if ll := BGNBDLogLik(m.R, m.Alpha, m.A, m.B, data); math.Abs(ll-m.LogLik) > 1e-6 {
		t.Errorf("ungrouped LL %.6f != fitted LL %.6f", ll, m.LogLik)
	}
}

func TestFitGammaGammaCDNOW(t *testing.T) {
	_, spend := csvData(t)
	if len(spend) != 946 {
		t.Fatalf("got %d repeat buyers, want 946", len(spend))
	}
	start := time.Now()
	g, err := FitGammaGamma(spend)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Gamma-Gamma: p=%.4f q=%.4f gamma=%.4f LL=%.2f iterations=%d converged=%v in %v",
		g.P, g.Q, g.Gamma, g.LogLik, g.Iterations, g.Converged, time.Since(start))
	within(t, "p", g.P, 6.25, 0.01)
	within(t, "q", g.Q, 3.74, 0.01)
	within(t, "gamma", g.Gamma, 15.44, 0.01)
	if !g.Converged {
		t.Errorf("fit did not converge: %+v", g)
	}
}

// TestSummarizeMatchesCSV checks that Summarize, applied to the raw order
// lines, reproduces the published calibration summary customer by customer
// (the CSV is rounded to two decimals), and that fitting on it reproduces
// the published parameters.
func TestSummarizeMatchesCSV(t *testing.T) {
	rows := loadCSV(t)
	hist := Summarize(loadRaw(t), calEnd, week)
	if len(hist) != len(rows) {
		t.Fatalf("Summarize gave %d customers, CSV has %d", len(hist), len(rows))
	}
	var data []Summary
	var spend []Spend
	bad := 0
	for _, h := range hist {
		r, ok := rows[h.Customer]
		if !ok {
			t.Fatalf("customer %s not in CSV", h.Customer)
		}
		if h.X != r.X || math.Abs(h.TX-r.TX) > 0.0051 || math.Abs(h.T-r.T) > 0.0051 ||
			(h.X > 0 && math.Abs(h.Mean-r.Zbar) > 0.0051) {
			if bad++; bad <= 10 {
				t.Errorf("customer %s: got x=%v t_x=%.4f T=%.4f mean=%.4f, CSV x=%v t_x=%v T=%v zbar=%v",
					h.Customer, h.X, h.TX, h.T, h.Mean, r.X, r.TX, r.T, r.Zbar)
			}
		}
		data = append(data, h.Summary)
		if h.X > 0 {
			spend = append(spend, Spend{X: h.X, Mean: h.Mean})
		}
	}
	if bad > 0 {
		t.Fatalf("%d customers differ from the CSV", bad)
	}
	m, err := FitBGNBD(data)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("BG/NBD from own summaries: r=%.4f alpha=%.4f a=%.4f b=%.4f LL=%.2f", m.R, m.Alpha, m.A, m.B, m.LogLik)
	checkPublishedBGNBD(t, m)
	g, err := FitGammaGamma(spend)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Gamma-Gamma from own summaries: p=%.4f q=%.4f gamma=%.4f", g.P, g.Q, g.Gamma)
	within(t, "p", g.P, 6.25, 0.01)
	within(t, "q", g.Q, 3.74, 0.01)
	within(t, "gamma", g.Gamma, 15.44, 0.01)
}

// TestHoldoutCDNOW compares the model's expected repeat purchases in the
// 39-week holdout (1997-10-01 .. 1998-06-30) with the actual number of
// purchase days there, summed over all customers.
func TestHoldoutCDNOW(t *testing.T) {
	raw := loadRaw(t)
	hist := Summarize(raw, calEnd, week)
	var data []Summary
	for _, h := range hist {
		data = append(data, h.Summary)
	}
	m, err := FitBGNBD(data)
	if err != nil {
		t.Fatal(err)
	}
	days := make(map[string]map[int64]bool)
	for _, p := range raw {
		d := dayIndex(p.Time)
		if d <= dayIndex(calEnd) || d > dayIndex(holdEnd) {
			continue
		}
		if days[p.Customer] == nil {
			days[p.Customer] = make(map[int64]bool)
		}
		days[p.Customer][d] = true
	}
	var actual int
	for _, ds := range days {
		actual += len(ds)
	}
	horizon := float64(dayIndex(holdEnd)-dayIndex(calEnd)) / 7
	var expected float64
	for _, h := range hist {
		expected += m.ExpectedTransactions(h.Summary, horizon)
	}
	t.Logf("holdout %.0f weeks: expected %.1f repeat transactions, actual %d (ratio %.3f)", horizon, expected, actual, expected/float64(actual))
	// The fitted model under-forecasts this holdout by about 12% (1653 vs
	// 1882 purchase days). That is the model, not the code:
	// TestExpectedTransactionsMonteCarlo checks eq. 10 against simulation,
	// and the aggregate unconditional forecast gives the same ~1667. The
	// bound is set to catch a broken forecast, not to grade the model.
	if ratio := expected / float64(actual); math.Abs(ratio-1) > 0.15 {
		t.Errorf("expected/actual = %.3f, want within 15%%", ratio)
	}
}

// hyp2f1Series is a plain term-by-term 2F1 series for 0 ≤ z < 1, used only to
// cross-check mathext.Hypergeo at the arguments ExpectedTransactions uses.
func hyp2f1Series(a, b, c, z float64) float64 {
	sum, term := 1.0, 1.0
	for n := 0.0; n < 1e6; n++ {
		term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
		sum += term
		if math.Abs(term) < 1e-15*math.Abs(sum) {
			return sum
		}
	}
	return math.NaN()
}

func TestPredictions(t *testing.T) {
	m := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	for _, s := range []Summary{{0, 0, 38.86}, {2, 30.43, 38.86}, {1, 1.71, 38.86}, {7, 29.43, 35.38}, {20, 32, 38}} {
		x := s.X
		for _, tt := range []float64{1, 39, 520} {
			z := tt / (m.Alpha + s.T + tt)
			want := hyp2f1Series(m.R+x, m.B+x, m.A+m.B+x-1, z)
			got := hypergeo(m.R+x, m.B+x, m.A+m.B+x-1, z)
			if math.Abs(got-want) > 1e-9*math.Abs(want) {
				t.Errorf("2F1(%v,%v,%v,%v) = %v, series %v", m.R+x, m.B+x, m.A+m.B+x-1, z, got, want)
			}
		}
		p := m.PAlive(s)
		if !(p > 0 && p <= 1) || (x == 0 && p != 1) {
			t.Errorf("PAlive(%+v) = %v", s, p)
		}
		e1, e2 := m.ExpectedTransactions(s, 10), m.ExpectedTransactions(s, 39)
		if !(e1 > 0 && e2 > e1) {
			t.Errorf("ExpectedTransactions(%+v) not positive and increasing: %v, %v", s, e1, e2)
		}
	}
	// A recent frequent buyer is more likely alive than one who stopped long ago.
	if m.PAlive(Summary{5, 38, 39}) <= m.PAlive(Summary{5, 5, 39}) {
		t.Error("PAlive does not decrease with recency gap")
	}
	g := GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	if pop := g.ExpectedSpend(0, 0); math.Abs(pop-6.25*15.44/2.74) > 1e-12 {
		t.Errorf("population mean spend = %v", pop)
	}
	// More repeat purchases pull the estimate towards the customer's own mean.
	if a, b := g.ExpectedSpend(1, 100), g.ExpectedSpend(10, 100); !(b > a && b < 100) {
		t.Errorf("ExpectedSpend shrinkage wrong: x=1 %v, x=10 %v", a, b)
	}
	s := Summary{2, 30.43, 38.86}
	if c := CLV(m, g, s, 22.35, 39); math.Abs(c-m.ExpectedTransactions(s, 39)*g.ExpectedSpend(2, 22.35)) > 1e-12 {
		t.Errorf("CLV = %v", c)
	}
}

// TestExpectedTransactionsMonteCarlo checks the conditional expectation
// (eq. 10) independently of its algebra: it simulates customers from the
// BG/NBD process itself over a calibration and a holdout period, and compares
// the mean of ExpectedTransactions(calibration history) with the mean
// simulated holdout count. By the tower rule the two must agree.
func TestExpectedTransactionsMonteCarlo(t *testing.T) {
	m := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 200000
	const tCal, tHold = 38.86, 39.0
	var sumPred, sumActual float64
	for range n {
		lambda := gammaRand(rng, m.R) / m.Alpha
		ga, gb := gammaRand(rng, m.A), gammaRand(rng, m.B)
		p := ga / (ga + gb)
		var s Summary
		s.T = tCal
		holdout := 0
		for tm := 0.0; ; {
			tm += rng.ExpFloat64() / lambda
			if tm > tCal+tHold {
				break
			}
			if tm <= tCal {
				s.X++
				s.TX = tm
			} else {
				holdout++
			}
			if rng.Float64() < p { // dropout right after a purchase
				break
			}
		}
		sumPred += m.ExpectedTransactions(s, tHold)
		sumActual += float64(holdout)
	}
	pred, actual := sumPred/n, sumActual/n
	t.Logf("Monte Carlo: mean predicted %.4f, mean simulated %.4f", pred, actual)
	if math.Abs(pred-actual) > 0.03*actual {
		t.Errorf("mean predicted %.4f vs simulated %.4f differ by more than 3%%", pred, actual)
	}
}

// gammaRand draws from Gamma(k, 1) by Marsaglia & Tsang, boosting k < 1.
func gammaRand(rng *rand.Rand, k float64) float64 {
	if k < 1 {
		return gammaRand(rng, k+1) * math.Pow(rng.Float64(), 1/k)
	}
	d := k - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		if math.Log(rng.Float64()) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

func TestTooLittleHistory(t *testing.T) {
	few := make([]Summary, MinCustomers-1)
	for i := range few {
		few[i] = Summary{1, 1, 2}
	}
	if _, err := FitBGNBD(few); !errors.Is(err, ErrTooLittleHistory) {
		t.Errorf("few customers: err = %v", err)
	}
	noRepeat := make([]Summary, 100)
	for i := range noRepeat {
		noRepeat[i] = Summary{0, 0, float64(i + 1)}
	}
	if _, err := FitBGNBD(noRepeat); !errors.Is(err, ErrTooLittleHistory) {
		t.Errorf("no repeat buyers: err = %v", err)
	}
	if _, err := FitGammaGamma(make([]Spend, 10)); !errors.Is(err, ErrTooLittleHistory) {
		t.Errorf("few spenders: err = %v", err)
	}
	bad := append([]Summary{{1, 5, 2}}, noRepeat...)
	if _, err := FitBGNBD(bad); err == nil || errors.Is(err, ErrTooLittleHistory) {
		t.Errorf("t_x > T: err = %v, want an invalid-summary error", err)
	}
}

func BenchmarkFitBGNBD(b *testing.B) {
	data, _ := csvData(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := FitBGNBD(data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGradients checks the analytic gradients the fits use against central finite differences
// (gonum's diff/fd) at points away from the optimum, on the CDNOW data.
func TestGradients(t *testing.T) {
	raw := loadRaw(t)
	hist := Summarize(raw, calEnd, week)
	var counted []Counted
	var spends []Spend
	for _, h := range hist {
		counted = append(counted, Counted{Summary: h.Summary, N: 1})
		if h.X > 0 {
			spends = append(spends, Spend{X: h.X, Mean: h.Mean})
		}
	}
	g := group(counted)
	w := newBGNBDWork(&g)
	for _, v := range [][]float64{{-1.2, 1.5, -0.3, 0.9}, {0.3, 0.1, 0.8, -0.5}} {
		f := func(v []float64) float64 {
			return g.logLikGrad(math.Exp(v[0]), math.Exp(v[1]), math.Exp(v[2]), math.Exp(v[3]), nil, w)
		}
		got := make([]float64, 4)
		g.logLikGrad(math.Exp(v[0]), math.Exp(v[1]), math.Exp(v[2]), math.Exp(v[3]), got, w)
		want := fd.Gradient(nil, f, v, &fd.Settings{Formula: fd.Central})
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-5*math.Max(1, math.Abs(want[i])) {
				t.Errorf("BG/NBD gradient at %v, component %d: %.8g, finite differences %.8g", v, i, got[i], want[i])
			}
		}
		if ll := BGNBDLogLik(math.Exp(v[0]), math.Exp(v[1]), math.Exp(v[2]), math.Exp(v[3]), func() []Summary {
			out := make([]Summary, len(hist))
			for i, h := range hist {
				out[i] = h.Summary
			}
			return out
		}()); math.Abs(ll-f(v)) > 1e-8*math.Abs(ll) {
			t.Errorf("grouped log-likelihood %.10g != per-customer sum %.10g", f(v), ll)
		}
	}
	sd := newSpendData(spends)
	perX := make([]float64, 3*len(sd.xs))
	for _, v := range [][]float64{{1.0, 0.5, 2.0}, {2.5, 1.8, 3.1}} {
		f := func(v []float64) float64 {
			return sd.logLikGrad(math.Exp(v[0]), math.Exp(v[1]), math.Exp(v[2]), nil, perX)
		}
		got := make([]float64, 3)
		sd.logLikGrad(math.Exp(v[0]), math.Exp(v[1]), math.Exp(v[2]), got, perX)
		want := fd.Gradient(nil, f, v, &fd.Settings{Formula: fd.Central})
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-5*math.Max(1, math.Abs(want[i])) {
				t.Errorf("Gamma-Gamma gradient at %v, component %d: %.8g, finite differences %.8g", v, i, got[i], want[i])
			}
		}
		if ll := GammaGammaLogLik(math.Exp(v[0]), math.Exp(v[1]), math.Exp(v[2]), spends); math.Abs(ll-f(v)) > 1e-8*math.Abs(ll) {
			t.Errorf("grouped Gamma-Gamma log-likelihood %.10g != per-buyer sum %.10g", f(v), ll)
		}
	}
}

// TestForecaster: the memoised forecaster equals the direct formulas, with and without
// discounting, on every CDNOW customer.
func TestForecaster(t *testing.T) {
	raw := loadRaw(t)
	hist := Summarize(raw, calEnd, week)
	bg := BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	gg := GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	for _, h := range []Horizon{{T: 52}, {T: 104, Delta: DeltaFromAnnual(0.1, 7), Steps: 24}, {T: 10, Delta: 0.01, Steps: 1}} {
		f := NewForecaster(bg, gg, h)
		for _, c := range hist {
			got, want := f.Predict(c.Summary, c.Mean), Predict(bg, gg, c.Summary, c.Mean, h)
			for _, v := range [][2]float64{{got.PAlive, want.PAlive}, {got.Transactions, want.Transactions}, {got.Value, want.Value}} {
				if math.Abs(v[0]-v[1]) > 1e-12*math.Max(1, math.Abs(v[1])) {
					t.Fatalf("%+v, customer %s: forecaster %+v, direct %+v", h, c.Customer, got, want)
				}
			}
		}
		if len(f.num) >= len(hist) {
			t.Errorf("%d memoised numerators for %d customers", len(f.num), len(hist))
		}
	}
}
