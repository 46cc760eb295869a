package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// PAlive is the probability that a customer with history s is still active at
// the end of the observation period (FHL 2005, eq. 12). One-time buyers are
// alive with probability 1 under BG/NBD, since dropout happens only right
// after a purchase.
func (m BGNBD) PAlive(s Summary) float64 {
	if s.X == 0 {
		return 1
	}
	z := math.Log(m.A) - math.Log(m.B+s.X-1) + (m.R+s.X)*(math.Log(m.Alpha+s.T)-math.Log(m.Alpha+s.TX))
	return math.Exp(-log1pExp(z))
}

// ExpectedTransactions is the expected number of purchases in (T, T+t] for a
// customer with history s (FHL 2005, eq. 10), t in the fit's time unit. See
// numerator for how eq. 10's hypergeometric term is evaluated.
func (m BGNBD) ExpectedTransactions(s Summary, t float64) float64 {
	return m.numerator(s.X, s.T, t) / m.denominator(s)
}

// ExpectedSpend is the expected mean value of a customer's future purchases
// given x repeat purchases of mean value mean (Fader & Hardie 2013): a
// weighted average of the population mean pγ/(q−1) and the customer's own
// mean. For x = 0 it is the population mean. It is +Inf when q ≤ 1, where
// the population mean does not exist.
func (g GammaGamma) ExpectedSpend(x, mean float64) float64 {
	if x <= 0 {
		return g.P * g.Gamma / (g.Q - 1)
	}
	d := g.P*x + g.Q - 1
	if d <= 0 {
		return math.Inf(1)
	}
	return (g.Gamma + x*mean) * g.P / d
}

// CLV is a customer's expected (undiscounted) revenue over the next horizon
// time units: expected transactions times expected value per transaction.
// The two are independent under the Gamma-Gamma model's assumption that
// spend is independent of the purchase process. mean is the customer's mean
// repeat-purchase value (ignored when s.X is 0).
func CLV(m BGNBD, g GammaGamma, s Summary, mean, horizon float64) float64 {
	return m.ExpectedTransactions(s, horizon) * g.ExpectedSpend(s.X, mean)
}

// hypergeo is the Gaussian hypergeometric function 2F1(a, b; c; z), a
// variable so tests can name the implementation they cross-check.
var hypergeo = mathext.Hypergeo

// Horizon is how far ahead predictions look, in the fit's time unit, and how
// future purchases are discounted.
type Horizon struct {
	// T is the horizon's length in time units (52.14 weeks for 365 days).
	T float64
	// Delta is the continuous discount rate per time unit: a purchase at time
	// t from now is worth e^(−Delta·t) of one now. 0 means no discounting;
	// DeltaFromAnnual converts a yearly rate.
	Delta float64
	// Steps is how many equal steps the horizon is cut into when Delta > 0:
	// each step's expected purchases are discounted at the step's end.
	Steps int
}

// DeltaFromAnnual is the Delta of a yearly discount rate (0.1 for 10 %) for
// a time unit of unitDays days.
func DeltaFromAnnual(annual, unitDays float64) float64 {
	return math.Log1p(annual) * unitDays / 365
}

// PresentTransactions is the discounted expected number of purchases in
// (T, T+h.T]. BG/NBD has no closed form for it, so the horizon is cut into
// h.Steps steps (as lifetimes and most practitioners do, monthly by default)
// and each step's increment of ExpectedTransactions is discounted at the
// step's end, which slightly under-values purchases early in a step. With
// Delta 0 it is exactly ExpectedTransactions(s, h.T).
func (m BGNBD) PresentTransactions(s Summary, h Horizon) float64 {
	if h.Delta == 0 || h.Steps <= 1 {
		e := m.ExpectedTransactions(s, h.T)
		if h.Delta != 0 {
			e *= math.Exp(-h.Delta * h.T)
		}
		return e
	}
	var sum, prev float64
	for k := 1; k <= h.Steps; k++ {
		t := h.T * float64(k) / float64(h.Steps)
		e := m.ExpectedTransactions(s, t)
		sum += (e - prev) * math.Exp(-h.Delta*t)
		prev = e
	}
	return sum
}

// Prediction is one customer's forecast over a horizon.
type Prediction struct {
	// PAlive is the probability the customer is still active now.
	PAlive float64
	// Transactions is the expected number of purchases over the horizon
	// (undiscounted).
	Transactions float64
	// Spend is the expected value of each future purchase.
	Spend float64
	// Value is the expected (discounted when the horizon says so) revenue
	// over the horizon: the predicted CLV.
	Value float64
}

// Predict forecasts one customer with history s and mean repeat-purchase
// value mean (ignored when s.X is 0) over h.
func Predict(m BGNBD, g GammaGamma, s Summary, mean float64, h Horizon) Prediction {
	p := Prediction{PAlive: m.PAlive(s), Transactions: m.ExpectedTransactions(s, h.T), Spend: g.ExpectedSpend(s.X, mean)}
	present := p.Transactions
	if h.Delta != 0 {
		present = m.PresentTransactions(s, h)
	}
	p.Value = present * p.Spend
	return p
}

// Forecaster predicts many customers with one pair of models and one horizon. Eq. 10's
// numerator (with its hypergeometric series) depends on a customer only through x and T, and its
// denominator (with P(alive)) through x, t_x and T: a shop of a million customers has tens of
// thousands of distinct (x, T) but hundreds of thousands of distinct triples, so the series is
// summed once per (x, T). It is not safe for concurrent use.
type Forecaster struct {
	m   BGNBD
	g   GammaGamma
	h   Horizon
	num map[[2]float64][2]float64 // (x, T) → numerator over the horizon, undiscounted and present
}

// NewForecaster returns a Forecaster for the models and horizon.
func NewForecaster(m BGNBD, g GammaGamma, h Horizon) *Forecaster {
	return &Forecaster{m: m, g: g, h: h, num: map[[2]float64][2]float64{}}
}

// numerator is eq. 10's numerator for x, T over horizon t:
//
//	(a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)],  z = t/(α+T+t).
//
// Written so (paperForm), the 2F1 has c−a−b = a−1−r−x, very negative for frequent buyers: over
// long horizons its power underflows to 0 while the 2F1 overflows to +Inf (x = 400, T = 480 days,
// t = 3650 days with the CDNOW parameters gave NaN). Euler's transformation 2F1(A, B; C; z) =
// (1−z)^(C−A−B) 2F1(C−A, C−B; C; z), with 1−z = (α+T)/(α+T+t), turns the product into
//
//	(1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z)   (eulerForm),
//
// whose power does not grow with x and whose 2F1 has c−a−b = r+x+1−a. Each form is used where
// its 2F1's c−a−b is non-negative, where the Cephes series behind gonum's mathext.Hypergeo
// converges without its recurrence on c: Euler's for the usual a < 1+r+x, the paper's for a
// larger a (a fit of customers who hardly ever drop out, a and b in the hundreds of thousands,
// where Euler's form is the one that fails). Where both are finite they agree to about 1e-10.
// z is always in [0, 1).
func (m BGNBD) numerator(x, T, t float64) float64 {
	if t <= 0 {
		return 0
	}
	const near = 1e-5
	if d := m.A - 1; math.Abs(d) < near {
		// At a = 1 the bracket and a−1 both vanish (0/0). The numerator is smooth in a: interpolate
		// between a = 1 ∓ near, where the cancellation costs about 1e-11 of relative precision and
		// the interpolation about as much.
		nl, nh := m.numeratorAt(1-near, x, T, t), m.numeratorAt(1+near, x, T, t)
		return nl + (d+near)/(2*near)*(nh-nl)
	}
	return m.numeratorAt(m.A, x, T, t)
}

// numeratorAt is numerator with a in place of m.A, for a ≠ 1.
func (m BGNBD) numeratorAt(a, x, T, t float64) float64 {
	var n float64
	if a-1 >= m.R+x {
		n = m.paperForm(a, x, T, t)
	} else {
		n = m.eulerForm(a, x, T, t)
	}
	if math.IsNaN(n) || math.IsInf(n, 0) {
		// Both forms fail for a frequent buyer of a fit with huge a and b: the paper's power
		// underflows while its 2F1 overflows, and Euler's 2F1 has a very negative c−a−b.
		n = m.seriesForm(a, x, T, t)
	}
	return n
}

// seriesForm is the paper's form with the power folded into the 2F1's series, summed term by
// term in logarithms: every term is positive, so nothing overflows or cancels, but it may take
// hundreds of thousands of terms. NaN if the series has not converged after 1e7 terms.
func (m BGNBD) seriesForm(a, x, T, t float64) float64 {
	r, alpha, b := m.R, m.Alpha, m.B
	z := t / (alpha + T + t)
	logZ := math.Log(z)
	c := a + b + x - 1
	term := (r + x) * (math.Log(alpha+T) - math.Log(alpha+T+t)) // log of the first term
	shift, sum := term, 1.0                                     // the sum is e^shift · sum
	for n := 0.0; n < 1e7; n++ {
		ratio := math.Log((r+x+n)*(b+x+n)/((c+n)*(n+1))) + logZ
		term += ratio
		if term > shift {
			sum = sum*math.Exp(shift-term) + 1
			shift = term
		} else {
			sum += math.Exp(term - shift)
		}
		if ratio < 0 && term-shift-math.Log(sum) < -40+math.Log(-math.Expm1(ratio)) {
			return (a + b + x - 1) / (a - 1) * (1 - sum*math.Exp(shift))
		}
	}
	return math.NaN()
}

// eulerForm is the numerator through Euler's transformation (see numerator).
func (m BGNBD) eulerForm(a, x, T, t float64) float64 {
	r, alpha, b := m.R, m.Alpha, m.B
	z := t / (alpha + T + t)
	logOneMinusZ := math.Log(alpha+T) - math.Log(alpha+T+t)
	hyp := hypergeo(a+b-1-r, a-1, a+b+x-1, z)
	return (a + b + x - 1) / (a - 1) * (1 - math.Exp((a-1)*logOneMinusZ)*hyp)
}

// paperForm is the numerator as FHL 2005 write it (see numerator).
func (m BGNBD) paperForm(a, x, T, t float64) float64 {
	r, alpha, b := m.R, m.Alpha, m.B
	z := t / (alpha + T + t)
	hyp := hypergeo(r+x, b+x, a+b+x-1, z)
	pow := math.Exp((r + x) * (math.Log(alpha+T) - math.Log(alpha+T+t)))
	return (a + b + x - 1) / (a - 1) * (1 - pow*hyp)
}

// denominator is eq. 10's denominator: 1/P(alive).
func (m BGNBD) denominator(s Summary) float64 {
	if s.X == 0 {
		return 1
	}
	return 1 + m.A/(m.B+s.X-1)*math.Exp((m.R+s.X)*(math.Log(m.Alpha+s.T)-math.Log(m.Alpha+s.TX)))
}

// Forecast returns P(alive), the expected purchases over the horizon and their present value in
// purchases (equal to the expected purchases when the horizon has no discounting).
func (f *Forecaster) Forecast(s Summary) (pAlive, transactions, present float64) {
	k := [2]float64{s.X, s.T}
	n, ok := f.num[k]
	if !ok {
		n[0] = f.m.numerator(s.X, s.T, f.h.T)
		n[1] = n[0]
		if f.h.Delta != 0 {
			n[1] = 0
			if f.h.Steps <= 1 {
				n[1] = n[0] * math.Exp(-f.h.Delta*f.h.T)
			} else {
				var prev float64
				for i := 1; i <= f.h.Steps; i++ {
					t := f.h.T * float64(i) / float64(f.h.Steps)
					e := f.m.numerator(s.X, s.T, t)
					n[1] += (e - prev) * math.Exp(-f.h.Delta*t)
					prev = e
				}
			}
		}
		f.num[k] = n
	}
	d := f.m.denominator(s)
	return 1 / d, n[0] / d, n[1] / d
}

// Predict equals the package's Predict for the Forecaster's models and horizon.
func (f *Forecaster) Predict(s Summary, mean float64) Prediction {
	pa, tr, pv := f.Forecast(s)
	spend := f.g.ExpectedSpend(s.X, mean)
	return Prediction{PAlive: pa, Transactions: tr, Spend: spend, Value: pv * spend}
}
