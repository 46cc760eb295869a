package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/optimize"
)

// The fits minimise the negative mean log-likelihood per customer over the log-parameters with
// BFGS and the analytic gradients below: a few dozen evaluations instead of the thousands
// Nelder-Mead needs, which is what makes a fit on a million customers take seconds. Nelder-Mead
// remains the fallback when BFGS fails from every start.

// bgnbdWork holds the per-distinct-value terms of one BG/NBD evaluation.
type bgnbdWork struct {
	lead, lb, psiRX, psiBX, psiABX, invBX1 []float64 // per distinct x
	lt, it                                 []float64 // per distinct T: ln(α+T), 1/(α+T)
	ltx, itx                               []float64 // per distinct t_x
}

func newBGNBDWork(g *grouped) *bgnbdWork {
	nx, nt, ntx := len(g.xs), len(g.ts), len(g.txs)
	return &bgnbdWork{
		lead: make([]float64, nx), lb: make([]float64, nx), psiRX: make([]float64, nx), psiBX: make([]float64, nx),
		psiABX: make([]float64, nx), invBX1: make([]float64, nx),
		lt: make([]float64, nt), it: make([]float64, nt), ltx: make([]float64, ntx), itx: make([]float64, ntx),
	}
}

// logLikGrad returns the grouped BG/NBD log-likelihood and, when grad is not nil, stores its
// gradient with respect to (ln r, ln α, ln a, ln b) in grad. For customer i, with
// L_T = ln(α+T), L_t = ln(α+t_x), z = ln a − ln(b+x−1) + (r+x)(L_T − L_t) and s = σ(z):
//
//	∂/∂r = ψ(r+x) − ψ(r) + ln α − L_T + [x>0] s (L_T − L_t)
//	∂/∂α = r/α − (r+x)/(α+T) + [x>0] s (r+x) (1/(α+T) − 1/(α+t_x))
//	∂/∂a = ψ(a+b) − ψ(a+b+x) + [x>0] s/a
//	∂/∂b = ψ(b+x) − ψ(b) + ψ(a+b) − ψ(a+b+x) − [x>0] s/(b+x−1)
func (g *grouped) logLikGrad(r, alpha, a, b float64, grad []float64, w *bgnbdWork) float64 {
	lgR, _ := math.Lgamma(r)
	base := r*math.Log(alpha) - mathext.Lbeta(a, b) - lgR
	la := math.Log(a)
	withGrad := grad != nil
	var psiR, psiAB, psiB float64
	if withGrad {
		psiR, psiAB, psiB = mathext.Digamma(r), mathext.Digamma(a+b), mathext.Digamma(b)
	}
	for i, x := range g.xs {
		lgRX, _ := math.Lgamma(r + x)
		w.lead[i] = mathext.Lbeta(a, b+x) + lgRX
		w.lb[i] = la - math.Log(b+x-1) // only used for x > 0
		if withGrad {
			w.psiRX[i] = mathext.Digamma(r + x)
			w.psiBX[i] = mathext.Digamma(b + x)
			w.psiABX[i] = mathext.Digamma(a + b + x)
			w.invBX1[i] = 1 / (b + x - 1)
		}
	}
	for i, t := range g.ts {
		w.lt[i] = math.Log(alpha + t)
		w.it[i] = 1 / (alpha + t)
	}
	for i, tx := range g.txs {
		w.ltx[i] = math.Log(alpha + tx)
		w.itx[i] = 1 / (alpha + tx)
	}
	var ll, dr, dalpha, da, db, n float64
	lnAlpha := math.Log(alpha)
	for _, p := range g.pts {
		x := g.xs[p.ix]
		lt := w.lt[p.it]
		v := base + w.lead[p.ix] - (r+x)*lt
		var s float64
		if x > 0 {
			z := w.lb[p.ix] + (r+x)*(lt-w.ltx[p.itx])
			v += log1pExp(z)
			s = 1 / (1 + math.Exp(-z))
		}
		ll += p.w * v
		if !withGrad {
			continue
		}
		n += p.w
		dr += p.w * (w.psiRX[p.ix] - lt)
		dalpha -= p.w * (r + x) * w.it[p.it]
		da -= p.w * w.psiABX[p.ix]
		db += p.w * (w.psiBX[p.ix] - w.psiABX[p.ix])
		if x > 0 {
			dr += p.w * s * (lt - w.ltx[p.itx])
			dalpha += p.w * s * (r + x) * (w.it[p.it] - w.itx[p.itx])
			da += p.w * s / a
			db -= p.w * s * w.invBX1[p.ix]
		}
	}
	if withGrad {
		dr += n * (lnAlpha - psiR)
		dalpha += n * r / alpha
		da += n * psiAB
		db += n * (psiAB - psiB)
		grad[0], grad[1], grad[2], grad[3] = dr*r, dalpha*alpha, da*a, db*b
	}
	return ll
}

// spendData is the Gamma-Gamma data grouped by x (the digamma and log-gamma terms depend on x
// only), with each buyer's constant terms precomputed.
type spendData struct {
	xs     []float64 // distinct x
	ix     []int     // per buyer: index into xs
	mx     []float64 // per buyer: m̄·x
	konst  []float64 // per buyer: −ln m̄ (the (px−1) ln m̄ term's −ln m̄)
	lmx    []float64 // per buyer: x·(ln m̄ + ln x)
	counts []float64 // per distinct x: buyers
	sumLMX []float64 // per distinct x: Σ x (ln m̄ + ln x) / x = Σ (ln m̄ + ln x)
}

func newSpendData(data []Spend) *spendData {
	vals := make([]float64, len(data))
	for i, s := range data {
		vals[i] = s.X
	}
	xs, idx := distinctIndex(vals)
	d := &spendData{xs: xs, ix: make([]int, len(data)), mx: make([]float64, len(data)), konst: make([]float64, len(data)),
		lmx: make([]float64, len(data)), counts: make([]float64, len(xs)), sumLMX: make([]float64, len(xs))}
	for i, s := range data {
		j := idx[s.X]
		d.ix[i] = j
		d.mx[i] = s.Mean * s.X
		lm, lx := math.Log(s.Mean), math.Log(s.X)
		d.konst[i] = -lm
		d.lmx[i] = s.X * (lm + lx)
		d.counts[j]++
		d.sumLMX[j] += lm + lx
	}
	return d
}

// logLikGrad returns the Gamma-Gamma log-likelihood and, when grad is not nil, its gradient with
// respect to (ln p, ln q, ln γ). For buyer i with u = γ + m̄x:
//
//	ll  = lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln m̄ + px ln x − (px+q) ln u
//	∂p  = x (ψ(px+q) − ψ(px) + ln m̄ + ln x − ln u)
//	∂q  = ψ(px+q) − ψ(q) + ln γ − ln u
//	∂γ  = q/γ − (px+q)/u
func (d *spendData) logLikGrad(p, q, gamma float64, grad []float64, perX []float64) float64 {
	lgQ, _ := math.Lgamma(q)
	lnG := math.Log(gamma)
	withGrad := grad != nil
	// perX: lnΓ(px+q) − lnΓ(px) per distinct x, then ψ(px+q) and ψ(px).
	nx := len(d.xs)
	for j, x := range d.xs {
		a, _ := math.Lgamma(p*x + q)
		b, _ := math.Lgamma(p * x)
		perX[j] = a - b
		if withGrad {
			perX[nx+j] = mathext.Digamma(p*x + q)
			perX[2*nx+j] = mathext.Digamma(p * x)
		}
	}
	var ll, dp, dq, dg float64
	for i, j := range d.ix {
		x := d.xs[j]
		u := gamma + d.mx[i]
		lu := math.Log(u)
		ll += perX[j] + p*d.lmx[i] + d.konst[i] - (p*x+q)*lu
		if withGrad {
			dp -= x * lu
			dq -= lu
			dg -= (p*x + q) / u
		}
	}
	var n float64
	for j, c := range d.counts {
		n += c
		if withGrad {
			x := d.xs[j]
			dp += c * x * (perX[nx+j] - perX[2*nx+j])
			dp += x * d.sumLMX[j]
			dq += c * perX[nx+j]
		}
	}
	ll += n * (q*lnG - lgQ)
	if withGrad {
		dq += n * (lnG - mathext.Digamma(q))
		dg += n * q / gamma
		grad[0], grad[1], grad[2] = dp*p, dq*q, dg*gamma
	}
	return ll
}

// minimizeGrad runs BFGS on f (with gradient) from each start and keeps the best run that ends
// with a finite value; ok is false when none does.
func minimizeGrad(f func([]float64) float64, grad func(g, x []float64), starts [][]float64) (*optimize.Result, bool) {
	var best *optimize.Result
	for _, x0 := range starts {
		settings := &optimize.Settings{
			MajorIterations: 1000,
			// The objective is a mean per customer, so these are scale-free: a gradient of 1e-7
			// per customer is far below what moves a parameter in its third significant digit.
			GradientThreshold: 1e-7,
			Converger:         &optimize.FunctionConverge{Relative: 1e-12, Iterations: 5},
		}
		res, err := optimize.Minimize(optimize.Problem{Func: f, Grad: grad}, x0, settings, &optimize.BFGS{})
		if res == nil || (err != nil && !converged(res.Status)) || math.IsNaN(res.F) || math.IsInf(res.F, 0) {
			continue
		}
		if best == nil || res.F < best.F {
			best = res
		}
		// A start that ends with a vanishing gradient has found the optimum (these likelihoods
		// are unimodal in practice); the other starts are for runs that stall.
		if res.Status == optimize.GradientThreshold {
			break
		}
	}
	return best, best != nil
}
