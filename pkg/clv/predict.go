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
// customer with history s (FHL 2005, eq. 10), t in the fit's time unit. The
// Gaussian hypergeometric 2F1 is evaluated at z = t/(α+T+t), which is always
// in [0, 1), where gonum's mathext.Hypergeo uses the Cephes series.
func (m BGNBD) ExpectedTransactions(s Summary, t float64) float64 {
	if t <= 0 {
		return 0
	}
	r, alpha, a, b, x := m.R, m.Alpha, m.A, m.B, s.X
	z := t / (alpha + s.T + t)
	hyp := hypergeo(r+x, b+x, a+b+x-1, z)
	pow := math.Exp((r + x) * (math.Log(alpha+s.T) - math.Log(alpha+s.T+t)))
	num := (a + b + x - 1) / (a - 1) * (1 - pow*hyp)
	den := 1.0
	if x > 0 {
		den += a / (b + x - 1) * math.Exp((r+x)*(math.Log(alpha+s.T)-math.Log(alpha+s.TX)))
	}
	return num / den
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
