package demo

import (
	"math"
	"math/rand/v2"
)

// Random streams. Every piece of the shop draws from its own stream, derived from the shop seed,
// the stream and an entity id (a customer id, or 0 for shop-wide data). A table's loader can then
// regenerate exactly the part of a customer it needs, in any order, and get the same values as
// every other table's loader: this is what keeps the loads streaming and the output reproducible.
const (
	streamCatalog   uint64 = 1 // products, accounts, content (shop-wide)
	streamProfile   uint64 = 2 // a customer's demographics and hidden traits
	streamFollows   uint64 = 3 // a customer's follow episodes
	streamOrders    uint64 = 4 // a customer's orders and their items
	streamViews     uint64 = 5 // a customer's content views
	streamEmail     uint64 = 6 // a customer's email events
	streamCampaigns uint64 = 7 // email campaign send times (shop-wide)
)

// rng is a PCG generator that can be repositioned cheaply on any (seed, stream, id).
type rng struct {
	pcg *rand.PCG
	*rand.Rand
}

func newRNG() *rng {
	p := rand.NewPCG(0, 0)
	return &rng{pcg: p, Rand: rand.New(p)}
}

// seed positions r at the start of the given stream of entity id.
func (r *rng) seed(shopSeed, stream uint64, id int64) {
	r.pcg.Seed(mix64(shopSeed^mix64(stream)), mix64(uint64(id)^(stream<<56)^0x5851f42d4c957f2d))
}

// mix64 is the SplitMix64 finaliser: a bijection that spreads nearby inputs far apart.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.Float64() < p }

// exp draws an exponential variate with the given mean.
func (r *rng) exp(mean float64) float64 { return r.ExpFloat64() * mean }

// lognormal draws exp(N(mu, sigma²)).
func (r *rng) lognormal(mu, sigma float64) float64 { return math.Exp(mu + sigma*r.NormFloat64()) }

// gamma draws a Gamma(shape, scale) variate (Marsaglia and Tsang 2000; shape < 1 via the
// U^(1/shape) boost).
func (r *rng) gamma(shape, scale float64) float64 {
	if shape < 1 {
		u := r.Float64()
		for u == 0 {
			u = r.Float64()
		}
		return r.gamma(shape+1, scale) * math.Pow(u, 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v * scale
		}
	}
}

// beta draws a Beta(a, b) variate.
func (r *rng) beta(a, b float64) float64 {
	x := r.gamma(a, 1)
	y := r.gamma(b, 1)
	return x / (x + y)
}

// poisson draws a Poisson variate (Knuth's product method; the means used here are small).
func (r *rng) poisson(mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 50 {
		n := int(math.Round(mean + math.Sqrt(mean)*r.NormFloat64()))
		return max(n, 0)
	}
	limit := math.Exp(-mean)
	n, p := 0, r.Float64()
	for p > limit {
		n++
		p *= r.Float64()
	}
	return n
}

// weights is a discrete distribution over 0..n-1 given by non-negative weights.
type weights []float64 // cumulative

func newWeights(w ...float64) weights {
	cum := make(weights, len(w))
	s := 0.0
	for i, x := range w {
		s += x
		cum[i] = s
	}
	return cum
}

// pick draws an index with probability proportional to its weight.
func (w weights) pick(r *rng) int {
	u := r.Float64() * w[len(w)-1]
	for i, c := range w {
		if u < c {
			return i
		}
	}
	return len(w) - 1
}
