package clv

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
)

// cdnowWeeks and cdnowDays are the published CDNOW BG/NBD parameters (FHL 2005) in weeks and in
// days (alpha × 7).
var (
	cdnowWeeks = BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	cdnowDays  = BGNBD{R: 0.243, Alpha: 4.414 * 7, A: 0.793, B: 2.426}
)

// directNumerator is eq. 10's numerator as the paper writes it, the power times
// 2F1(r+x, b+x; a+b+x−1; z): what numerator computed before it used Euler's transformation.
func directNumerator(m BGNBD, x, T, t float64) float64 {
	r, alpha, a, b := m.R, m.Alpha, m.A, m.B
	z := t / (alpha + T + t)
	hyp := hypergeo(r+x, b+x, a+b+x-1, z)
	pow := math.Exp((r + x) * (math.Log(alpha+T) - math.Log(alpha+T+t)))
	return (a + b + x - 1) / (a - 1) * (1 - pow*hyp)
}

// integralTransactions computes eq. 10 independently of any hypergeometric function: given
// alive, λ ~ Gamma(r+x, α+T) and p ~ Beta(a, b+x) independently, and a customer with rate λ and
// dropout probability p makes (1 − e^(−λpt))/p purchases in t in expectation; averaging over λ
// gives (1 − ((α+T)/(α+T+pt))^(r+x))/p, and over p a one-dimensional integral, summed here by
// Gauss-Legendre on panels geometric towards p = 0 (after p = u^(1/a), which removes the
// density's singularity there). Times P(alive).
func integralTransactions(m BGNBD, s Summary, t float64) float64 {
	r, alpha, a, b, x := m.R, m.Alpha, m.A, m.B, s.X
	lb, _ := math.Lgamma(a)
	lb2, _ := math.Lgamma(b + x)
	lb3, _ := math.Lgamma(a + b + x)
	logBeta := lb + lb2 - lb3
	g := func(p float64) float64 {
		return -math.Expm1((r+x)*(math.Log(alpha+s.T)-math.Log(alpha+s.T+p*t))) / p
	}
	var sum float64
	if a < 1 {
		f := func(u float64) float64 {
			p := math.Pow(u, 1/a)
			if p <= 0 || p >= 1 {
				return 0
			}
			return g(p) * math.Exp(-math.Log(a)-logBeta+(b+x-1)*math.Log1p(-p))
		}
		lo := 0.0
		for k := 60; k >= 0; k-- {
			hi := math.Pow(10, -float64(k)/4)
			sum += quad.Fixed(f, lo, hi, 30, quad.Legendre{}, 0)
			lo = hi
		}
	} else {
		// The density is bounded: integrate over 40 standard deviations about its mean.
		n := a + b + x
		mean, sd := a/n, math.Sqrt(a*(b+x)/(n*n*(n+1)))
		lo, hi := max(0, mean-40*sd), min(1, mean+40*sd)
		f := func(p float64) float64 {
			if p <= 0 || p >= 1 {
				return 0
			}
			return g(p) * math.Exp((a-1)*math.Log(p)+(b+x-1)*math.Log1p(-p)-logBeta)
		}
		const panels = 400
		for k := range panels {
			sum += quad.Fixed(f, lo+(hi-lo)*float64(k)/panels, lo+(hi-lo)*float64(k+1)/panels, 30, quad.Legendre{}, 0)
		}
	}
	return m.PAlive(s) * sum
}

type longCase struct {
	name string
	m    BGNBD
	s    Summary
	t    float64
}

// longCases are the reviewer's cases (NaN or +Inf before the fix) and others of the kind: frequent
// buyers over horizons up to 3650 days.
var longCases = []longCase{
	{"1825 days, x=600, T=720 days", cdnowDays, Summary{X: 600, TX: 700, T: 720}, 1825},
	{"1825 days, x=600, T=720 days, recent", cdnowDays, Summary{X: 600, TX: 719, T: 720}, 1825},
	{"3650 days, x=400, T=480 days", cdnowDays, Summary{X: 400, TX: 470, T: 480}, 3650},
	{"3650 days, x=400, T=480 days, recent", cdnowDays, Summary{X: 400, TX: 479, T: 480}, 3650},
	{"521 weeks, x=1000, T=313 weeks", cdnowWeeks, Summary{X: 1000, TX: 300, T: 313}, 521},
	{"521 weeks, x=1000, T=313 weeks, recent", cdnowWeeks, Summary{X: 1000, TX: 312.9, T: 313}, 521},
	{"3650 days, x=2000, T=3000 days", cdnowDays, Summary{X: 2000, TX: 2999, T: 3000}, 3650},
	{"3650 days, x=0, T=0", cdnowDays, Summary{X: 0, TX: 0, T: 0}, 3650},
	{"a > 1: 3650 days, x=400", BGNBD{R: 0.5, Alpha: 10, A: 3.5, B: 8}, Summary{X: 400, TX: 479, T: 480}, 3650},
	// A fit of customers who hardly ever drop out (a, b huge): Euler's form fails here (NaN), the
	// paper's is right.
	{"huge a, b: x=0", hugeAB, Summary{X: 0, TX: 0, T: 201.0 / 7}, 365.0 / 7},
	{"huge a, b: x=9", hugeAB, Summary{X: 9, TX: 150.0 / 7, T: 201.0 / 7}, 3650.0 / 7},
	{"huge a, b: x=600", hugeAB, Summary{X: 600, TX: 100, T: 103}, 3650.0 / 7},
}

// hugeAB is what a small regular shop fitted (TestCLVOrphanOrdersCountNowhere's fixture).
var hugeAB = BGNBD{R: 2.527148602199507, Alpha: 20.53067497829487, A: 195500.43494872338, B: 1.3745201330570515e+07}

// TestExpectedTransactionsLongHorizons: frequent buyers over long horizons are finite, agree with
// the independent integral, are non-negative, grow with the horizon and stay below what an alive
// customer with no dropout would buy (P(alive)·(r+x)/(α+T)·t), discounted or not.
func TestExpectedTransactionsLongHorizons(t *testing.T) {
	for _, c := range longCases {
		m, s := c.m, c.s
		got := m.ExpectedTransactions(s, c.t)
		want := integralTransactions(m, s, c.t)
		bound := m.PAlive(s) * (m.R + s.X) / (m.Alpha + s.T) * c.t
		t.Logf("%s: expected %.10g, integral %.10g, bound %.6g, P(alive) %.4g", c.name, got, want, bound, m.PAlive(s))
		if math.IsNaN(got) || math.IsInf(got, 0) || got < 0 {
			t.Errorf("%s: ExpectedTransactions = %v", c.name, got)
			continue
		}
		if math.Abs(got-want) > 1e-6*want+1e-300 {
			t.Errorf("%s: ExpectedTransactions = %.12g, the integral %.12g", c.name, got, want)
		}
		if got > bound*(1+1e-12) {
			t.Errorf("%s: ExpectedTransactions = %v above the no-dropout bound %v", c.name, got, bound)
		}
		prev := 0.0
		for k := 1; k <= 50; k++ {
			e := m.ExpectedTransactions(s, c.t*float64(k)/50)
			if !(e >= prev) || math.IsInf(e, 0) {
				t.Errorf("%s: ExpectedTransactions at %d/50 of the horizon = %v, after %v", c.name, k, e, prev)
				break
			}
			prev = e
		}
		for _, h := range []Horizon{{T: c.t}, {T: c.t, Delta: DeltaFromAnnual(0.1, 1), Steps: 122}, {T: c.t, Delta: 0.001, Steps: 1}} {
			pv := m.PresentTransactions(s, h)
			_, tr, fpv := NewForecaster(m, GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}, h).Forecast(s)
			if !(pv >= 0 && pv <= got*(1+1e-12)) || math.Abs(fpv-pv) > 1e-12*pv || math.Abs(tr-got) > 1e-12*got {
				t.Errorf("%s, %+v: present %v (forecaster %v, its transactions %v), undiscounted %v", c.name, h, pv, fpv, tr, got)
			}
		}
	}
}

// TestNumeratorMatchesPaperForm: where the paper's form (power times 2F1(r+x, b+x; …)) is finite,
// Euler's transformation gives the same value to 1e-9, and eq. 10 reproduces FHL 2005's worked
// example (x = 2, t_x = 30.43, T = 38.86 weeks: 1.226 expected purchases in the next 39 weeks).
func TestNumeratorMatchesPaperForm(t *testing.T) {
	if e := cdnowWeeks.ExpectedTransactions(Summary{X: 2, TX: 30.43, T: 38.86}, 39); math.Abs(e-1.226) > 0.0005 {
		t.Errorf("FHL 2005's example: %.4f expected purchases, published 1.226", e)
	}
	// Models in weeks (unit 7) and in days (unit 1), over horizons of 1 to 3650 days: below a day
	// (which no query asks for) both forms lose digits to the cancellation in 1 − (…) and differ
	// by up to 1e-8.
	models := []struct {
		m    BGNBD
		unit float64
	}{{cdnowWeeks, 7}, {cdnowDays, 1}, {BGNBD{R: 0.5, Alpha: 10, A: 3.5, B: 8}, 7}, {BGNBD{R: 2, Alpha: 1, A: 0.3, B: 0.7}, 7}}
	var compared int
	for _, mu := range models {
		m := mu.m
		for _, x := range []float64{0, 1, 2, 7, 20, 60, 150} {
			for _, T := range []float64{0, 1, 38.86, 78, 300} {
				for _, days := range []float64{1, 7, 30, 91, 273, 365, 730, 1825, 3650} {
					h := days / mu.unit
					want := directNumerator(m, x, T, h)
					got := m.eulerForm(m.A, x, T, h)
					if math.IsNaN(want) || math.IsInf(want, 0) {
						continue
					}
					compared++
					if math.Abs(got-want) > 1e-9*math.Abs(want) {
						t.Errorf("%+v x=%v T=%v t=%v: %.15g, paper's form %.15g", m, x, T, h, got, want)
					}
				}
			}
		}
	}
	t.Logf("%d cases compared where the paper's form is finite", compared)
	if compared < 1000 {
		t.Errorf("only %d cases compared", compared)
	}
	// The term-by-term series agrees with both where they are finite.
	compared = 0
	for _, mu := range models[:1] {
		for _, x := range []float64{0, 2, 20, 150} {
			for _, T := range []float64{1, 38.86, 300} {
				for _, days := range []float64{1, 30, 365} {
					h := days / mu.unit
					want := mu.m.numerator(x, T, h)
					if got := mu.m.seriesForm(mu.m.A, x, T, h); math.Abs(got-want) > 1e-9*math.Abs(want) {
						t.Errorf("%+v x=%v T=%v t=%v: series %.15g, numerator %.15g", mu.m, x, T, h, got, want)
					}
					compared++
				}
			}
		}
	}
	if compared < 30 {
		t.Errorf("only %d cases compared", compared)
	}
	// TestPredictions's customers over its horizons.
	for _, s := range []Summary{{0, 0, 38.86}, {2, 30.43, 38.86}, {1, 1.71, 38.86}, {7, 29.43, 35.38}, {20, 32, 38}} {
		for _, h := range []float64{1, 39, 520} {
			if got, want := cdnowWeeks.numerator(s.X, s.T, h), directNumerator(cdnowWeeks, s.X, s.T, h); math.Abs(got-want) > 1e-9*math.Abs(want) {
				t.Errorf("%+v over %v: %.15g, paper's form %.15g", s, h, got, want)
			}
		}
	}
}

// TestNumeratorAtAEqualOne: a = 1 makes eq. 10's (a+b+x−1)/(a−1)·[…] a 0/0; the numerator is
// finite there and between its values on either side.
func TestNumeratorAtAEqualOne(t *testing.T) {
	for _, a := range []float64{1, 1 + 1e-9, 1 - 3e-6} {
		m := BGNBD{R: 0.3, Alpha: 5, A: a, B: 2}
		lo, hi := m, m
		lo.A, hi.A = 1-1e-3, 1+1e-3
		s := Summary{X: 5, TX: 30, T: 40}
		for _, h := range []float64{1, 52, 521} {
			e := m.ExpectedTransactions(s, h)
			el, eh := lo.ExpectedTransactions(s, h), hi.ExpectedTransactions(s, h)
			if math.IsNaN(e) || e < min(el, eh) || e > max(el, eh) {
				t.Errorf("a=%v over %v: %v, not between %v and %v", a, h, e, el, eh)
			}
			if w := integralTransactions(m, s, h); math.Abs(e-w) > 1e-6*w {
				t.Errorf("a=%v over %v: %v, the integral %v", a, h, e, w)
			}
		}
	}
}
