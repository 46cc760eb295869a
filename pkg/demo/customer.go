package demo

import (
	"math"
	"time"
)

const (
	day  = 86400 // seconds
	year = 365.25 * day
)

// Behaviour knobs, tuned so that the default shop has ~10 attempted orders per contact.
const (
	leadShare       = 0.15  // contacts who never order
	invalidShare    = 0.05  // cancelled, failed, fraud or test orders
	meanFirstDelay  = 4.0   // days (shopping-rhythm days) from becoming a contact to the first order
	repeatShape     = 0.8   // gamma shape of the per-customer repeat purchase rate (heterogeneity)
	repeatRate      = 16.0  // mean repeat purchases per year while alive
	dropoutShape    = 1.5   // gamma shape of the per-customer dropout rate
	dropoutRate     = 0.55  // mean dropouts per year (rates vary: gamma-mixed)
	oneAndDone      = 0.25  // buyers who never come back after their first order
	maxOrders       = 400   // per customer, to keep the heaviest buyer bounded
	storeShare      = 0.35  // orders a customer living near a store places there
	followMeanViews = 7.0   // content views of a follower
	emailReach      = 0.5   // share of the opted-in a campaign reaches
	orderSpacing    = 60    // seconds between two orders of a customer that would land on the same second
	meanLiveAge     = 0.3   // days between a LIVE and the orders it brings, on average
	meanVideoAge    = 4.0   // days between a video and the orders it brings
	meanViewAge     = 2.0   // days between publication and a view
	meanFollowDelay = 30.0  // days from becoming a contact to the first follow
	unfollowShare   = 0.2   // follow episodes that end (if the history lasts long enough)
	refollowShare   = 0.4   // ended follows that come back (a new episode)
	meanOpenDelay   = 5.0   // hours from a send to its open
	meanClickDelay  = 120.0 // seconds from an open to its click
)

// person is one contact: the columns of customers and the hidden traits that drive their
// behaviour. Unknown values are -1 (or 0 for birth year).
type person struct {
	id          int64
	created     int64
	birthYear   int
	age         int // as of the end of history; 0 unknown
	gender      int // index into genders; 3 unknown
	country     int
	region      int
	city        int
	devicePrice int64 // cents
	optIn       int8

	lead      bool
	follower  bool
	favourite int // category
	device    int
	store     int // store the customer lives near, or -1
	channelW  [numChannels]float64
	lambda    float64 // repeat purchases per shopping-rhythm day while alive
	firstX    float64 // order-clock position of the first order (past total: none yet)
	dropAt    int64   // when they stop buying
	basket    float64 // typical order line value
	activeEnd int64   // end of the period they are around (views)
}

// Order channels.
const (
	chLive = iota
	chVideo
	chProductCard
	chStorefront
	chEmail
	chNone
	numChannels
)

var channelNames = [numChannels]string{"live", "video", "product_card", "storefront", "email", ""}

type follow struct {
	account int
	at      int64
	until   int64 // 0 while it lasts
	source  string
	content int64 // 0 none
}

type order struct {
	id         int64
	placed     int64
	valid      bool
	totalCents int64
	channel    int
	content    int64 // 0 none
	store      int
	medium     string
	name       string
	campaign   string
	domain     string
	device     string
	coupon     string
	firstItem  int
	numItems   int
}

type item struct {
	order     int64
	product   int64
	quantity  int32
	unitCents int64
}

type view struct {
	content int64
	at      int64
}

// Email event kinds.
const (
	emailSent = iota
	emailOpen
	emailClick
)

var emailKindNames = [3]string{"sent", "open", "click"}

type emailEvent struct {
	kind int
	at   int64
}

// gen generates one customer at a time into reusable buffers. Each part (profile, follows,
// orders, views, email) reseeds from its own stream, so any table can regenerate just what it
// needs and get the same rows as a full generation.
type gen struct {
	s       *shop
	r       *rng
	p       person
	follows []follow
	orders  []order
	items   []item
	views   []view
	emails  []emailEvent
	vals    []any
}

func newGen(s *shop) *gen { return &gen{s: s, r: newRNG()} }

// orderID numbers the order customer placed at t so that ids increase with time, as a real
// shop's checkout sequence does (and as tables appended in time order are laid out): the
// seconds since the history's start, then the customer id. Unique because a customer's orders
// are at least a second apart (orderSpacing), and the same in every pass over the customers.
func (s *shop) orderID(t, customer int64) int64 {
	return (t-s.cal.start+1)*s.orderIDScale + customer
}

// profile draws contact id's demographics and hidden traits.
func (g *gen) profile(id int64) {
	s, r, p := g.s, g.r, &g.p
	r.seed(s.cfg.Seed, streamProfile, id)
	*p = person{id: id, country: -1, region: -1, city: -1, devicePrice: -1, store: -1}

	// Stratified by id, so ids roughly follow created_at, as in a real shop.
	q := (float64(id-1) + r.Float64()) / float64(s.cfg.Customers)
	p.created, _ = s.signupClock.at(q * s.signupClock.total())

	if !r.chance(0.12) {
		for p.age == 0 {
			if a := 16 + int(r.gamma(2.2, 8.5)); a <= 80 {
				p.age = a
			}
		}
		p.birthYear = s.endYear - p.age
	}
	p.gender = genderW.pick(r)
	if !r.chance(0.03) {
		p.country = countryW.pick(r)
		c := &countries[p.country]
		if !r.chance(0.04) {
			p.region = c.regionW.pick(r)
			rg := &c.regions[p.region]
			if !r.chance(0.03) {
				p.city = rg.cityW.pick(r)
			}
			if rg.store >= 0 && r.chance(0.45) {
				p.store = rg.store
			}
		}
	}
	priceLevel := 1.0
	if p.country >= 0 {
		switch countries[p.country].code {
		case "US", "JP", "AU":
			priceLevel = 1.15
		case "FR", "NL", "CA":
			priceLevel = 0.95
		}
	}
	if !r.chance(0.10) {
		price := min(max(r.lognormal(math.Log(400*priceLevel), 0.6), 59), 2199)
		p.devicePrice = int64(math.Round(price/10))*1000 - 1 // 399.99
	}
	switch u := r.Float64(); {
	case u < 0.05:
		p.optIn = -1
	case u < 0.50:
		p.optIn = 1
	}

	p.favourite = favouriteW[p.gender].pick(r)
	p.device = deviceW.pick(r)
	followP := 0.38
	switch {
	case p.age == 0:
	case p.age < 25:
		followP = 0.55
	case p.age < 35:
		followP = 0.44
	case p.age < 50:
		followP = 0.32
	default:
		followP = 0.20
	}
	p.follower = r.chance(followP)
	p.lead = r.chance(leadShare)

	rate := r.gamma(repeatShape, repeatRate/repeatShape)
	if p.follower {
		rate *= 1.2
	}
	p.lambda = rate / 365.25
	dp := 400.0
	if p.devicePrice > 0 {
		dp = float64(p.devicePrice) / 100
	}
	p.basket = r.lognormal(math.Log(30)+0.35*math.Log(dp/400), 0.5)
	p.firstX = s.orderClock.pos(p.created) + r.exp(meanFirstDelay)
	lifetime := min(r.exp(1/r.gamma(dropoutShape, dropoutRate/dropoutShape)), 100) // years
	if r.chance(oneAndDone) {
		lifetime = 0
	}
	p.activeEnd = s.cal.end
	if p.lead {
		p.activeEnd = min(s.cal.end, p.created+int64(r.exp(90*day)))
	} else if p.firstX < s.orderClock.total() {
		t0, _ := s.orderClock.at(p.firstX)
		p.dropAt = t0 + int64(lifetime*year)
		p.activeEnd = min(s.cal.end, p.dropAt+30*day)
	}

	p.channelW = [numChannels]float64{14, 18, 16, 36, 8, 8}
	if p.follower {
		p.channelW[chLive] *= 2.2
		p.channelW[chVideo] *= 1.7
	}
	switch {
	case p.age == 0:
	case p.age < 30:
		p.channelW[chLive] *= 1.3
		p.channelW[chVideo] *= 1.3
	case p.age >= 50:
		p.channelW[chLive] *= 0.6
		p.channelW[chVideo] *= 0.7
		p.channelW[chStorefront] *= 1.2
	}
	if p.optIn != 1 {
		p.channelW[chEmail] = 0
	}
}

var (
	followCountW  = newWeights(55, 25, 12, 5, 3) // accounts a follower follows: 1..5
	followSources = []string{"video", "live", "product_card", "profile", "other"}
	firstFollowW  = newWeights(35, 25, 15, 20, 5)
	refollowW     = newWeights(20, 10, 10, 50, 10)
)

// makeFollows draws the follow episodes of the current person (after profile).
func (g *gen) makeFollows() {
	s, r, p := g.s, g.r, &g.p
	g.follows = g.follows[:0]
	if !p.follower {
		return
	}
	r.seed(s.cfg.Seed, streamFollows, p.id)
	k := followCountW.pick(r) + 1
	// Accounts pull by popularity, more so when they cover the person's favourite category.
	var pull [len(accounts)]float64
	for i, a := range accounts {
		pull[i] = a.followPull
		for j, c := range a.categories {
			if c == p.favourite {
				if j == 0 {
					pull[i] *= 3
				} else {
					pull[i] *= 1.5
				}
				break
			}
		}
	}
	clk := s.activityClock
	base := clk.pos(p.created)
	for n := range k {
		total := 0.0
		for _, w := range pull {
			total += w
		}
		u := r.Float64() * total
		acc := 0
		for acc = range accounts {
			if u < pull[acc] {
				break
			}
			u -= pull[acc]
		}
		if pull[acc] == 0 { // rounding at the very end of the range
			continue
		}
		pull[acc] = 0
		mean := meanFollowDelay
		if n > 0 {
			mean = 120
		}
		x := base + r.exp(mean)
		if x >= clk.total() {
			continue
		}
		t, _ := clk.at(x)
		for ep := 0; ep < 4; ep++ {
			srcW := firstFollowW
			if ep > 0 {
				srcW = refollowW
			}
			f := follow{account: acc, at: t, source: followSources[srcW.pick(r)]}
			switch f.source {
			case "video":
				f.content = g.contentOf(&s.byAccount[acc][kindVideo], t, 3*day)
			case "live":
				f.content = g.contentOf(&s.byAccount[acc][kindLive], t, 2*3600)
			}
			if (f.source == "video" || f.source == "live") && f.content == 0 {
				f.source = "profile"
			}
			if r.chance(unfollowShare) {
				if u, _ := clk.at(clk.pos(t) + 1 + r.exp(100)); u < s.cal.end && u > t {
					f.until = u
				}
			}
			g.follows = append(g.follows, f)
			if f.until == 0 || !r.chance(refollowShare) {
				break
			}
			next, _ := clk.at(clk.pos(f.until) + 0.5 + r.exp(60))
			if next >= s.cal.end || next <= f.until {
				break
			}
			t = next
		}
	}
}

// contentOf returns the id of recent content from ci published before t, or 0.
func (g *gen) contentOf(ci *contentIndex, t int64, meanAge float64) int64 {
	i := g.s.pickContent(g.r, ci, t, meanAge)
	if i < 0 {
		return 0
	}
	return g.s.content[i].id
}

var (
	lineCountW  = newWeights(46, 30, 15, 9) // lines per order: 1..4
	quantityW   = newWeights(82, 13, 4, 1)  // quantity per line: 1..4
	socialNames = []string{"tiktok", "instagram", "youtube", "facebook"}
	socialDoms  = []string{"tiktok.com", "instagram.com", "youtube.com", "facebook.com"}
	socialW     = newWeights(55, 25, 12, 8)
	mediumW     = newWeights(35, 25, 10, 30) // storefront: organic, cpc, referral, direct
	searchNames = []string{"google", "bing", "duckduckgo"}
	searchDoms  = []string{"google.com", "bing.com", "duckduckgo.com"}
	searchW     = newWeights(80, 12, 8)
	adNames     = []string{"google", "meta", "tiktok"}
	adDoms      = []string{"google.com", "facebook.com", "tiktok.com"}
	adW         = newWeights(50, 30, 20)
	refNames    = []string{"reddit", "wirecutter", "vogue", "pinterest"}
	refDoms     = []string{"reddit.com", "nytimes.com", "vogue.com", "pinterest.com"}
	emailNames  = []string{"newsletter", "abandoned-cart", "win-back"}
	emailW      = newWeights(70, 20, 10)
)

// makeOrders draws the orders (and their items) of the current person (after profile and
// makeFollows): the first order a few days after they became a contact, then repeat purchases as
// a Poisson process in shopping-rhythm time until they drop out.
func (g *gen) makeOrders() {
	s, r, p := g.s, g.r, &g.p
	g.orders, g.items = g.orders[:0], g.items[:0]
	clk := s.orderClock
	if p.lead || p.firstX >= clk.total() {
		return
	}
	r.seed(s.cfg.Seed, streamOrders, p.id)
	dropX := clk.pos(min(p.dropAt, s.cal.end))
	x := p.firstX
	prev := int64(math.MinInt64)
	for n := 0; n < maxOrders; n++ {
		t, d := clk.at(x)
		if t <= prev {
			t = prev + orderSpacing
		}
		if t >= s.cal.end {
			break
		}
		g.addOrder(t, d, n)
		prev = t
		x += r.ExpFloat64() / p.lambda
		if x >= dropX {
			break
		}
	}
}

func (g *gen) addOrder(t int64, d, n int) {
	s, r, p := g.s, g.r, &g.p
	o := order{id: s.orderID(t, p.id), placed: t, valid: !r.chance(invalidShare), store: storeOnline, firstItem: len(g.items)}
	if p.store >= 0 && r.chance(storeShare) {
		o.store = p.store
		o.channel = chNone
	} else {
		o.channel = pickArray(r, p.channelW[:])
		o.device = devices[p.device]
		if r.chance(0.2) {
			o.device = devices[deviceW.pick(r)]
		}
	}
	if o.channel == chLive || o.channel == chVideo {
		kind, age := kindVideo, meanVideoAge*day
		if o.channel == chLive {
			kind, age = kindLive, meanLiveAge*day
		}
		ci := &s.byKind[kind]
		if f := g.followAt(t); f >= 0 && r.chance(0.7) {
			ci = &s.byAccount[g.follows[f].account][kind]
		}
		if o.content = g.contentOf(ci, t, age); o.content == 0 {
			o.channel = chStorefront
		}
	}
	cal := s.cal
	campaign := seasonalCampaign(cal, d)
	switch o.channel {
	case chLive, chVideo, chProductCard:
		i := socialW.pick(r)
		o.medium, o.name, o.domain = "social", socialNames[i], socialDoms[i]
		switch u := r.Float64(); {
		case u < 0.15:
			o.campaign = "creator-collab"
		case u < 0.30:
			o.campaign = campaign
		}
	case chEmail:
		i := emailW.pick(r)
		o.medium, o.name = "email", emailNames[i]
		switch i {
		case 0:
			o.campaign = campaign
			if campaign == "always-on" {
				o.campaign = "weekly-newsletter"
			}
		case 1:
			o.campaign = "abandoned-cart-flow"
		default:
			o.campaign = "win-back-flow"
		}
	case chStorefront:
		g.webSource(&o, mediumW.pick(r), campaign)
	case chNone:
		if o.store == storeOnline && r.chance(0.4) {
			g.webSource(&o, 3, "")
		}
	}

	disc := int64(0)
	month := cal.month[d]
	switch {
	case n == 0 && r.chance(0.30):
		o.coupon, disc = "WELCOME10", 10
	case cal.bfcm[d] == 2 && r.chance(0.35):
		o.coupon, disc = "BFCM25", 25
	case r.chance(0.13):
		switch {
		case o.channel == chLive:
			o.coupon, disc = "LIVE15", 15
		case n >= 8:
			o.coupon, disc = "VIP20", 20
		case month == time.March || month == time.April:
			o.coupon, disc = "SPRING15", 15
		default:
			o.coupon = "FREESHIP"
		}
	}
	if o.coupon == "" && cal.bfcm[d] == 2 {
		disc = 20 // sitewide sale
	}

	lines := lineCountW.pick(r) + 1
	for range lines {
		cat := p.favourite
		if !r.chance(0.55) {
			cat = favouriteW[p.gender].pick(r)
		}
		pi := g.pickProduct(cat, p.basket*r.lognormal(0, 0.45))
		dup := false
		for _, it := range g.items[o.firstItem:] {
			dup = dup || it.product == s.products[pi].id
		}
		if dup {
			continue
		}
		q := int32(quantityW.pick(r) + 1)
		unit := (s.products[pi].priceCents*(100-disc) + 50) / 100
		g.items = append(g.items, item{order: o.id, product: s.products[pi].id, quantity: q, unitCents: unit})
		o.totalCents += int64(q) * unit
	}
	o.numItems = len(g.items) - o.firstItem
	g.orders = append(g.orders, o)
}

// webSource fills the source of a storefront order: organic (0), cpc (1), referral (2), direct (3).
func (g *gen) webSource(o *order, medium int, campaign string) {
	r := g.r
	switch medium {
	case 0:
		i := searchW.pick(r)
		o.medium, o.name, o.domain = "organic", searchNames[i], searchDoms[i]
	case 1:
		i := adW.pick(r)
		o.medium, o.name, o.domain, o.campaign = "cpc", adNames[i], adDoms[i], campaign
	case 2:
		i := r.IntN(len(refNames))
		o.medium, o.name, o.domain = "referral", refNames[i], refDoms[i]
	default:
		o.medium, o.name = "direct", "(direct)"
	}
}

// seasonalCampaign names the marketing campaign running on day d.
func seasonalCampaign(c *calendar, d int) string {
	m, md := c.month[d], c.mday[d]
	switch {
	case c.bfcm[d] > 0:
		return "bfcm"
	case m == time.November && md > 20 || m == time.December && md <= 24:
		return "holiday-gifts"
	case m == time.December && md > 25 || m == time.January && md <= 15:
		return "new-year-sale"
	case m == time.March || m == time.April:
		return "spring-sale"
	case m == time.June && md >= 15 || m == time.July:
		return "summer-sale"
	case m == time.August && md >= 10 || m == time.September && md <= 10:
		return "back-to-school"
	}
	return "always-on"
}

// followAt returns a random follow of the current person that is current at t, or -1.
func (g *gen) followAt(t int64) int {
	n, pick := 0, -1
	for i, f := range g.follows {
		if f.at < t && (f.until == 0 || f.until > t) {
			n++
			if g.r.IntN(n) == 0 {
				pick = i
			}
		}
	}
	return pick
}

// pickProduct returns a product of the category priced near target (currency units), favouring
// popular products among the neighbours.
func (g *gen) pickProduct(cat int, target float64) int {
	s := g.s
	list := s.byCat[cat]
	cents := int64(target * 100)
	lo, hi := 0, len(list)
	for lo < hi {
		h := int(uint(lo+hi) >> 1)
		if s.products[list[h]].priceCents < cents {
			lo = h + 1
		} else {
			hi = h
		}
	}
	a, b := max(lo-3, 0), min(lo+4, len(list))
	total := 0.0
	for _, i := range list[a:b] {
		total += s.products[i].popularity
	}
	u := g.r.Float64() * total
	for _, i := range list[a:b] {
		if u < s.products[i].popularity {
			return int(i)
		}
		u -= s.products[i].popularity
	}
	return int(list[b-1])
}

// pickArray draws an index with probability proportional to w.
func pickArray(r *rng, w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	u := r.Float64() * total
	for i, x := range w {
		if u < x {
			return i
		}
		u -= x
	}
	return len(w) - 1
}

// makeViews draws the content views of the current person (after profile and makeFollows):
// followers watch mostly the accounts they follow while they follow them, some non-followers
// watch now and then while they are around.
func (g *gen) makeViews() {
	s, r, p := g.s, g.r, &g.p
	g.views = g.views[:0]
	r.seed(s.cfg.Seed, streamViews, p.id)
	n := 0
	switch {
	case p.follower:
		n = r.poisson(followMeanViews)
	case r.chance(0.25):
		n = 1 + r.poisson(1.5)
	}
	clk := s.activityClock
	for range n {
		acc, lo, hi := -1, p.created, p.activeEnd
		if len(g.follows) > 0 && r.chance(0.8) {
			f := g.follows[r.IntN(len(g.follows))]
			acc, lo, hi = f.account, f.at, f.until
			if hi == 0 {
				hi = s.cal.end
			}
		} else {
			acc = g.viewAccount()
		}
		if hi <= lo {
			continue
		}
		a, b := clk.pos(lo), clk.pos(hi)
		t, _ := clk.at(a + r.Float64()*(b-a))
		if t <= lo || t >= hi {
			continue
		}
		if c := g.contentOf(&s.byAccount[acc][2], t, meanViewAge*day); c != 0 {
			g.views = append(g.views, view{content: c, at: t})
		}
	}
}

// viewAccount picks an account for a view outside a follow: popular accounts and the person's
// favourite category first.
func (g *gen) viewAccount() int {
	var w [len(accounts)]float64
	for i, a := range accounts {
		w[i] = a.followPull
		if a.categories[0] == g.p.favourite {
			w[i] *= 3
		}
	}
	return pickArray(g.r, w[:])
}

// makeEmails draws the email events of the current person (after profile): the campaigns that
// reached them after they became a contact, and their opens and clicks.
func (g *gen) makeEmails() {
	s, r, p := g.s, g.r, &g.p
	g.emails = g.emails[:0]
	if p.optIn != 1 {
		return
	}
	r.seed(s.cfg.Seed, streamEmail, p.id)
	openP := r.beta(1.0, 2.4)
	clickP := r.beta(0.8, 3.0)
	end := s.cal.end
	for _, send := range s.campaigns {
		if send <= p.created || !r.chance(emailReach) {
			continue
		}
		sent := send + int64(r.IntN(3600))
		if sent >= end {
			continue
		}
		g.emails = append(g.emails, emailEvent{emailSent, sent})
		if !r.chance(openP) {
			continue
		}
		open := sent + 60 + int64(r.exp(meanOpenDelay*3600))
		if open >= end {
			continue
		}
		g.emails = append(g.emails, emailEvent{emailOpen, open})
		if !r.chance(clickP) {
			continue
		}
		if click := open + 5 + int64(r.exp(meanClickDelay)); click < end {
			g.emails = append(g.emails, emailEvent{emailClick, click})
		}
	}
}
