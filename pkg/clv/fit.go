// Package clv fits the probability models behind predicted customer lifetime
// value: the BG/NBD model of repeat-purchase counts (Fader, Hardie & Lee 2005,
// "Counting Your Customers the Easy Way", Marketing Science 24(2)) and the
// Gamma-Gamma model of order value (Fader & Hardie 2013, "The Gamma-Gamma
// Model of Monetary Value"). Both are fitted by maximum likelihood over
// log-parameters, so the optimiser works unconstrained while every parameter
// stays positive.
//
// The package is pure computation: no database and no Grafana types. Callers
// turn their order history into Summary and Spend values (Summarize does this
// from dated purchases), fit once, and predict per customer.
package clv

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/optimize"
)

// MinCustomers is the smallest number of customers a fit accepts. Below it the
// four BG/NBD parameters (or three Gamma-Gamma ones) are not identified well
// enough for the predictions to mean anything.
const MinCustomers = 50

// ErrTooLittleHistory is returned (wrapped, with a message saying what is
// missing) when the data cannot support a fit: too few customers, or no repeat
// buyers at all.
var ErrTooLittleHistory = errors.New("clv: too little purchase history to fit the model")

// Summary is one customer's purchase history in the RFM form the BG/NBD model
// needs, all times in one unit (weeks for the published CDNOW figures).
type Summary struct {
	// X is the number of repeat purchases (purchase days after the first).
	X float64
	// TX is the time of the last repeat purchase after the first purchase
	// (0 when X is 0).
	TX float64
	// T is the customer's age: time from the first purchase to the end of
	// the observation period.
	T float64
}

// Spend is one repeat buyer's monetary history for the Gamma-Gamma model.
type Spend struct {
	// X is the number of repeat purchases (must be > 0).
	X float64
	// Mean is the mean value of those repeat purchases (must be > 0).
	Mean float64
}

// BGNBD holds fitted BG/NBD parameters: purchase rates are Gamma(R, Alpha)
// distributed across customers and the per-purchase dropout probability is
// Beta(A, B) distributed.
type BGNBD struct {
	R, Alpha, A, B float64
	// LogLik is the maximised log-likelihood over all customers.
	LogLik float64
	// Iterations is the number of major optimiser iterations of the best run.
	Iterations int
	// Converged reports whether the best run stopped on a convergence test
	// rather than an iteration limit.
	Converged bool
}

// GammaGamma holds fitted Gamma-Gamma parameters: a customer's transaction
// values are Gamma(P, ν) with ν ~ Gamma(Q, Gamma) across customers.
type GammaGamma struct {
	P, Q, Gamma float64
	// LogLik is the maximised log-likelihood over the repeat buyers.
	LogLik     float64
	Iterations int
	Converged  bool
}

// log1pExp returns ln(1+e^z) without overflow for large z or loss of
// precision for very negative z.
func log1pExp(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// grouped is the data reduced to its sufficient statistics: the distinct
// (x, t_x, T) triples with the number of customers sharing each, plus the
// distinct values of x, t_x and T on their own. The likelihood depends on the
// data only through the triples, and its costly parts (Lbeta, Lgamma, logs)
// depend on one coordinate each, so an evaluation computes those once per
// distinct value (23 x, 257 t_x, 84 T on CDNOW) instead of once per customer
// (2,357) or per triple (1,016).
type grouped struct {
	xs, txs, ts []float64 // distinct values, ascending
	pts         []point
}

// point is one distinct triple: indexes into grouped's value slices and the
// customer count w.
type point struct {
	ix, itx, it int
	w           float64
}

func distinctIndex(vals []float64) ([]float64, map[float64]int) {
	set := make(map[float64]bool, len(vals))
	for _, v := range vals {
		set[v] = true
	}
	out := make([]float64, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	sort.Float64s(out)
	idx := make(map[float64]int, len(out))
	for i, v := range out {
		idx[v] = i
	}
	return out, idx
}

func group(data []Counted) grouped {
	var g grouped
	xs, txs, ts := make([]float64, len(data)), make([]float64, len(data)), make([]float64, len(data))
	for i, s := range data {
		xs[i], txs[i], ts[i] = s.X, s.TX, s.T
	}
	var ix, itx, it map[float64]int
	g.xs, ix = distinctIndex(xs)
	g.txs, itx = distinctIndex(txs)
	g.ts, it = distinctIndex(ts)
	counts := make(map[[3]int]float64, len(data))
	for _, s := range data {
		counts[[3]int{ix[s.X], itx[s.TX], it[s.T]}] += s.N
	}
	for k, w := range counts {
		g.pts = append(g.pts, point{k[0], k[1], k[2], w})
	}
	// Deterministic order keeps the floating-point sum, and so the fit,
	// reproducible run to run.
	sort.Slice(g.pts, func(i, j int) bool {
		a, b := g.pts[i], g.pts[j]
		if a.ix != b.ix {
			return a.ix < b.ix
		}
		if a.itx != b.itx {
			return a.itx < b.itx
		}
		return a.it < b.it
	})
	return g
}

// bgnbdLogLikOne is the BG/NBD log-likelihood of one customer (FHL 2005,
// eq. 6), evaluated in log space: the Beta and Gamma ratios through Lbeta and
// Lgamma, and the final ln(1 + δ·…) term through log1pExp so that the power
// ((α+T)/(α+t_x))^(r+x) never overflows.
func bgnbdLogLikOne(r, alpha, a, b float64, s Summary) float64 {
	x := s.X
	lgRX, _ := math.Lgamma(r + x)
	lgR, _ := math.Lgamma(r)
	ll := mathext.Lbeta(a, b+x) - mathext.Lbeta(a, b) +
		r*math.Log(alpha) + lgRX - lgR - (r+x)*math.Log(alpha+s.T)
	if x > 0 {
		z := math.Log(a) - math.Log(b+x-1) + (r+x)*(math.Log(alpha+s.T)-math.Log(alpha+s.TX))
		ll += log1pExp(z)
	}
	return ll
}

// BGNBDLogLik returns the total BG/NBD log-likelihood of data under the
// given parameters.
func BGNBDLogLik(r, alpha, a, b float64, data []Summary) float64 {
	var ll float64
	for _, s := range data {
		ll += bgnbdLogLikOne(r, alpha, a, b, s)
	}
	return ll
}

func checkSummaries(data []Counted) error {
	var customers, repeat float64
	for i, s := range data {
		if !(s.X >= 0) || !(s.TX >= 0) || !(s.T > 0) || math.IsInf(s.X+s.TX+s.T, 0) || s.TX > s.T || (s.X == 0 && s.TX != 0) {
			return fmt.Errorf("clv: invalid summary %d: x=%v t_x=%v T=%v (need x ≥ 0, 0 ≤ t_x ≤ T, T > 0, t_x = 0 when x = 0)", i, s.X, s.TX, s.T)
		}
		if !(s.N > 0) || math.IsInf(s.N, 0) {
			return fmt.Errorf("clv: invalid summary %d: count %v (need a positive count)", i, s.N)
		}
		customers += s.N
		if s.X > 0 {
			repeat += s.N
		}
	}
	if customers < MinCustomers {
		return fmt.Errorf("%w: BG/NBD needs at least %d customers, got %v", ErrTooLittleHistory, MinCustomers, customers)
	}
	if repeat == 0 {
		return fmt.Errorf("%w: BG/NBD needs at least one customer with a repeat purchase, got none among %v", ErrTooLittleHistory, customers)
	}
	return nil
}

// minimizeFrom runs Nelder-Mead on f from each start and keeps the best run.
// Nelder-Mead needs no gradient, which suits these likelihoods whose
// analytic gradients involve digamma sums; several starts guard against a
// run stalling on the flat ridges the likelihood has for extreme parameters.
func minimizeFrom(f func([]float64) float64, starts [][]float64) (*optimize.Result, error) {
	var best *optimize.Result
	var lastErr error
	for _, x0 := range starts {
		p := optimize.Problem{Func: f}
		settings := &optimize.Settings{
			MajorIterations: 20000,
			Converger: &optimize.FunctionConverge{
				Absolute:   1e-10,
				Relative:   1e-12,
				Iterations: 200,
			},
		}
		res, err := optimize.Minimize(p, x0, settings, &optimize.NelderMead{})
		if err != nil && res == nil {
			lastErr = err
			continue
		}
		if math.IsNaN(res.F) || math.IsInf(res.F, 0) {
			continue
		}
		if best == nil || res.F < best.F {
			best = res
		}
	}
	if best == nil {
		if lastErr == nil {
			lastErr = errors.New("no start gave a finite likelihood")
		}
		return nil, fmt.Errorf("clv: optimisation failed: %w", lastErr)
	}
	return best, nil
}

func converged(s optimize.Status) bool {
	return s == optimize.FunctionConvergence || s == optimize.MethodConverge ||
		s == optimize.StepConvergence || s == optimize.GradientThreshold
}

// FitBGNBD fits the BG/NBD model to data by maximum likelihood. It needs at
// least MinCustomers customers and at least one repeat buyer; otherwise it
// returns an error wrapping ErrTooLittleHistory.
func FitBGNBD(data []Summary) (BGNBD, error) {
	counted := make([]Counted, len(data))
	for i, s := range data {
		counted[i] = Counted{Summary: s, N: 1}
	}
	return FitBGNBDCounted(counted)
}

// Counted is a Summary shared by N customers: the sufficient statistics of a
// shop whose summaries are grouped by (x, t_x, T) before they reach Go.
type Counted struct {
	Summary
	N float64
}

// FitBGNBDCounted is FitBGNBD on grouped data: the same fit, with each triple
// weighted by its count.
func FitBGNBDCounted(data []Counted) (BGNBD, error) {
	if err := checkSummaries(data); err != nil {
		return BGNBD{}, err
	}
	g := group(data)
	var n float64
	for _, p := range g.pts {
		n += p.w
	}
	w := newBGNBDWork(&g)
	// The negative mean log-likelihood per customer over log-parameters: the mean keeps the
	// gradient's scale independent of the shop's size. A non-finite value (from a wild step) is
	// mapped to +Inf so that the line search or the simplex rejects it.
	f := func(v []float64) float64 {
		ll := g.logLikGrad(math.Exp(v[0]), math.Exp(v[1]), math.Exp(v[2]), math.Exp(v[3]), nil, w)
		if math.IsNaN(ll) || math.IsInf(ll, 0) {
			return math.Inf(1)
		}
		return -ll / n
	}
	grad := func(gr, v []float64) {
		g.logLikGrad(math.Exp(v[0]), math.Exp(v[1]), math.Exp(v[2]), math.Exp(v[3]), gr, w)
		for i := range gr {
			gr[i] = -gr[i] / n
		}
	}
	// Scale alpha's start with the mean customer age so the starts are
	// sensible whatever the time unit (days, weeks).
	var meanT float64
	for _, s := range data {
		meanT += s.N * s.T
	}
	meanT /= n
	la := math.Log(meanT / 10)
	starts := [][]float64{
		{0, la, 0, 0},
		{math.Log(0.5), la + 1, math.Log(0.5), math.Log(3)},
		{math.Log(2), la - 1, math.Log(2), math.Log(0.5)},
	}
	res, ok := minimizeGrad(f, grad, starts)
	if !ok {
		var err error
		if res, err = minimizeFrom(f, starts); err != nil {
			return BGNBD{}, err
		}
	}
	res.F *= n
	return BGNBD{
		R: math.Exp(res.X[0]), Alpha: math.Exp(res.X[1]), A: math.Exp(res.X[2]), B: math.Exp(res.X[3]),
		LogLik: -res.F, Iterations: res.MajorIterations, Converged: converged(res.Status),
	}, nil
}

// ggLogLikOne is one repeat buyer's Gamma-Gamma log-likelihood for the
// observed mean value m̄ of x transactions (Fader & Hardie 2013, eq. 3 in
// terms of m̄), in log space.
func ggLogLikOne(p, q, gamma float64, s Spend) float64 {
	px := p * s.X
	lgPXQ, _ := math.Lgamma(px + q)
	lgPX, _ := math.Lgamma(px)
	lgQ, _ := math.Lgamma(q)
	return lgPXQ - lgPX - lgQ + q*math.Log(gamma) + (px-1)*math.Log(s.Mean) +
		px*math.Log(s.X) - (px+q)*math.Log(gamma+s.Mean*s.X)
}

// GammaGammaLogLik returns the total Gamma-Gamma log-likelihood of data.
func GammaGammaLogLik(p, q, gamma float64, data []Spend) float64 {
	var ll float64
	for _, s := range data {
		ll += ggLogLikOne(p, q, gamma, s)
	}
	return ll
}

// FitGammaGamma fits the Gamma-Gamma spend model by maximum likelihood to
// repeat buyers (X > 0, Mean > 0). It needs at least MinCustomers of them.
func FitGammaGamma(data []Spend) (GammaGamma, error) {
	if len(data) < MinCustomers {
		return GammaGamma{}, fmt.Errorf("%w: Gamma-Gamma needs at least %d repeat buyers with a positive mean spend, got %d", ErrTooLittleHistory, MinCustomers, len(data))
	}
	var mean float64
	for i, s := range data {
		if !(s.X > 0) || !(s.Mean > 0) || math.IsInf(s.X+s.Mean, 0) {
			return GammaGamma{}, fmt.Errorf("clv: invalid spend %d: x=%v mean=%v (need x > 0 and mean > 0; leave one-time buyers out)", i, s.X, s.Mean)
		}
		mean += s.Mean
	}
	mean /= float64(len(data))
	n := float64(len(data))
	sd := newSpendData(data)
	perX := make([]float64, 3*len(sd.xs))
	f := func(v []float64) float64 {
		ll := sd.logLikGrad(math.Exp(v[0]), math.Exp(v[1]), math.Exp(v[2]), nil, perX)
		if math.IsNaN(ll) || math.IsInf(ll, 0) {
			return math.Inf(1)
		}
		return -ll / n
	}
	grad := func(gr, v []float64) {
		sd.logLikGrad(math.Exp(v[0]), math.Exp(v[1]), math.Exp(v[2]), gr, perX)
		for i := range gr {
			gr[i] = -gr[i] / n
		}
	}
	lm := math.Log(mean)
	starts := [][]float64{
		{0, 0, lm},
		{math.Log(5), math.Log(3), lm},
		{math.Log(0.5), math.Log(2), lm - 1},
	}
	res, ok := minimizeGrad(f, grad, starts)
	if !ok {
		var err error
		if res, err = minimizeFrom(f, starts); err != nil {
			return GammaGamma{}, err
		}
	}
	res.F *= n
	return GammaGamma{
		P: math.Exp(res.X[0]), Q: math.Exp(res.X[1]), Gamma: math.Exp(res.X[2]),
		LogLik: -res.F, Iterations: res.MajorIterations, Converged: converged(res.Status),
	}, nil
}
