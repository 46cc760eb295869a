package demo

import (
	"encoding/json"
	"math"
	"sort"
	"strings"
)

// Categories are shared by products and content, so that what a customer buys and what they
// watch tell the same story ("video preferences" of a buyer group follow their purchases).
const (
	catBeauty = iota
	catFashion
	catHome
	catTech
	catFood
	catFitness
	numCategories
)

var categoryNames = [numCategories]string{"beauty", "fashion", "home", "tech", "food", "fitness"}

// product is one catalog entry; its list price drives the order lines.
type product struct {
	id         int64
	name       string
	category   int
	attributes []byte // jsonb
	priceCents int64
	popularity float64
}

// productSpec describes how a category's products are named and priced.
type productSpec struct {
	count       int
	medianPrice float64
	adjectives  []string
	nouns       []string
	attributes  func(r *rng) []byte
}

var (
	colors    = []string{"black", "white", "beige", "navy", "olive", "terracotta", "sage", "grey", "pink", "blue"}
	sizes     = []string{"XS", "S", "M", "L", "XL", "XXL"}
	sizeShare = newWeights(6, 20, 30, 25, 13, 6)
)

func pickString(r *rng, xs []string) string { return xs[r.IntN(len(xs))] }

// jsonObject renders key/value pairs as a JSON object in the given order.
func jsonObject(kv ...any) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv[i])
		v, _ := json.Marshal(kv[i+1])
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return []byte(b.String())
}

var productSpecs = [numCategories]productSpec{
	catBeauty: {
		count: 80, medianPrice: 24,
		adjectives: []string{"Hydrating", "Glow", "Velvet", "Rose", "Matte", "Vitamin C", "Calming", "Daily", "Silk", "Overnight"},
		nouns:      []string{"Serum", "Moisturizer", "Lip Tint", "Mascara", "Cleanser", "Face Mask", "Sunscreen", "Eye Cream", "Toner", "Blush", "Hair Oil", "Body Lotion"},
		attributes: func(r *rng) []byte {
			return jsonObject("shade", pickString(r, []string{"fair", "light", "medium", "tan", "deep", "universal"}),
				"size_ml", []int{15, 30, 50, 100, 200}[r.IntN(5)],
				"skin_type", pickString(r, []string{"all", "dry", "oily", "combination", "sensitive"}))
		},
	},
	catFashion: {
		count: 90, medianPrice: 48,
		adjectives: []string{"Classic", "Oversized", "Relaxed", "Slim", "Vintage", "Organic", "Everyday", "Cropped", "Essential"},
		nouns:      []string{"Linen Shirt", "Denim Jacket", "Wide-Leg Jeans", "Knit Sweater", "Midi Dress", "Sneakers", "Tote Bag", "Hoodie", "Trench Coat", "T-Shirt", "Chinos", "Scarf"},
		attributes: func(r *rng) []byte {
			return jsonObject("color", pickString(r, colors), "size", sizes[sizeShare.pick(r)],
				"material", pickString(r, []string{"cotton", "linen", "denim", "wool", "polyester", "leather"}))
		},
	},
	catHome: {
		count: 70, medianPrice: 38,
		adjectives: []string{"Nordic", "Stoneware", "Cozy", "Minimal", "Rattan", "Oak", "Hand-Thrown", "Marble"},
		nouns:      []string{"Scented Candle", "Throw Blanket", "Ceramic Mug", "Linen Sheets", "Storage Basket", "Table Lamp", "Cutting Board", "Vase", "Cushion Cover", "Dinner Plate Set", "Knife Set", "Bath Towel"},
		attributes: func(r *rng) []byte {
			return jsonObject("color", pickString(r, colors),
				"material", pickString(r, []string{"ceramic", "linen", "oak", "rattan", "glass", "steel", "cotton"}))
		},
	},
	catTech: {
		count: 55, medianPrice: 85,
		adjectives: []string{"Pro", "Mini", "Ultra", "Compact", "MagSafe", "Fast-Charge", "Noise-Cancelling", "Travel"},
		nouns:      []string{"Wireless Earbuds", "Phone Case", "Power Bank", "USB-C Cable", "Smart Plug", "Bluetooth Speaker", "Phone Tripod", "Ring Light", "Watch Band", "Charging Stand", "Keyboard", "Webcam"},
		attributes: func(r *rng) []byte {
			return jsonObject("color", pickString(r, []string{"black", "white", "silver", "blue", "green"}),
				"connectivity", pickString(r, []string{"bluetooth", "usb-c", "wifi", "magsafe", "none"}))
		},
	},
	catFood: {
		count: 60, medianPrice: 14,
		adjectives: []string{"Organic", "Ceremonial", "Spicy", "Single-Origin", "Roasted", "Wildflower", "Sea Salt", "Vegan"},
		nouns:      []string{"Matcha Powder", "Cold Brew Coffee", "Protein Bar Box", "Hot Sauce", "Granola", "Olive Oil", "Dark Chocolate", "Herbal Tea", "Pasta Sauce", "Trail Mix", "Honey", "Kombucha"},
		attributes: func(r *rng) []byte {
			return jsonObject("flavor", pickString(r, []string{"original", "vanilla", "chili", "berry", "citrus", "cocoa"}),
				"weight_g", []int{100, 250, 500, 1000}[r.IntN(4)], "vegan", r.chance(0.6))
		},
	},
	catFitness: {
		count: 55, medianPrice: 32,
		adjectives: []string{"Pro", "Eco", "Seamless", "Lightweight", "Adjustable", "Insulated", "High-Rise", "Grip"},
		nouns:      []string{"Yoga Mat", "Resistance Bands", "Water Bottle", "Running Shorts", "Sports Bra", "Foam Roller", "Jump Rope", "Gym Bag", "Leggings", "Dumbbell Set", "Grip Socks", "Massage Gun"},
		attributes: func(r *rng) []byte {
			return jsonObject("color", pickString(r, colors), "size", sizes[sizeShare.pick(r)],
				"material", pickString(r, []string{"recycled polyester", "cork", "rubber", "nylon", "steel"}))
		},
	},
}

// makeProducts builds the catalog (about 400 products) and, per category, the products sorted by
// price, which is how order lines find a product near a customer's usual spend.
func makeProducts(r *rng) ([]product, [numCategories][]int32) {
	var products []product
	var byCat [numCategories][]int32
	for cat, spec := range productSpecs {
		// Every adjective × noun pair, shuffled, gives unique names.
		names := make([]string, 0, len(spec.adjectives)*len(spec.nouns))
		for _, a := range spec.adjectives {
			for _, n := range spec.nouns {
				names = append(names, a+" "+n)
			}
		}
		r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
		for i := range min(spec.count, len(names)) {
			price := spec.medianPrice * r.lognormal(0, 0.6)
			cents := max(int64(math.Round(price))*100-1, 199) // .99 pricing
			products = append(products, product{
				id:         int64(len(products) + 1),
				name:       names[i],
				category:   cat,
				attributes: spec.attributes(r),
				priceCents: cents,
				popularity: r.lognormal(0, 1),
			})
		}
	}
	for i, p := range products {
		byCat[p.category] = append(byCat[p.category], int32(i))
	}
	for cat := range byCat {
		idx := byCat[cat]
		sort.SliceStable(idx, func(a, b int) bool { return products[idx[a]].priceCents < products[idx[b]].priceCents })
	}
	return products, byCat
}

// Content kinds.
const (
	kindVideo = 0
	kindLive  = 1
)

var contentKindNames = [2]string{"video", "live"}

// account is a social account of the shop: one official account and four themed channels.
type account struct {
	id         int64
	name       string
	kind       string
	categories []int   // the categories its content covers, main first
	videosDay  float64 // videos published per day
	liveShare  float64 // share of the daily LIVE slot it hosts
	followPull float64 // relative chance a follower follows it
}

var accounts = [...]account{
	{1, "StoreLens", "official", []int{catFashion, catBeauty, catHome, catTech, catFood, catFitness}, 1.5, 0.40, 40},
	{2, "StoreLens Beauty", "channel", []int{catBeauty, catFashion}, 1.2, 0.18, 22},
	{3, "StoreLens Style", "channel", []int{catFashion, catFitness}, 1.1, 0.16, 17},
	{4, "StoreLens Home & Kitchen", "channel", []int{catHome, catFood}, 0.9, 0.13, 12},
	{5, "StoreLens Tech & Fitness", "channel", []int{catTech, catFitness}, 0.8, 0.13, 9},
}

// contentItem is a published video or LIVE.
type contentItem struct {
	id        int64
	account   int // index into accounts
	kind      int
	title     string
	category  int
	published int64
}

// contentIndex lists content (indices into shop.content) in publication order, with their
// publication times for binary search.
type contentIndex struct {
	times []int64
	idx   []int32
}

func (ci *contentIndex) add(i int, t int64) {
	ci.idx = append(ci.idx, int32(i))
	ci.times = append(ci.times, t)
}

var subjects = [numCategories][]string{
	catBeauty:  {"glass skin", "5-minute makeup", "summer glow", "SPF myths", "night routine", "lip combos", "brow shaping", "curly hair care"},
	catFashion: {"linen shirts", "capsule wardrobe", "denim fits", "fall layers", "sneaker rotation", "office looks", "wedding guest outfits", "thrift flips"},
	catHome:    {"small kitchen upgrades", "cozy bedroom", "closet organisation", "candle haul", "balcony garden", "table setting", "rental-friendly decor"},
	catTech:    {"earbuds", "phone camera tricks", "smart home", "desk setup", "charging gear", "travel tech", "creator kit"},
	catFood:    {"meal prep", "matcha", "protein snacks", "pasta night", "hot sauce tasting", "breakfast bowls", "coffee at home"},
	catFitness: {"home workout", "running gear", "yoga flow", "gym bag essentials", "recovery tools", "pilates at home", "10k training"},
}

var (
	videoTitles = []string{"Trying the viral %s", "%s haul", "Top 5 %s picks", "Honest review: %s", "Get ready with me: %s", "%s in 60 seconds", "Unboxing: %s", "%s under $30", "Before & after: %s"}
	liveTitles  = []string{"LIVE: %s drop night", "LIVE Q&A: %s", "LIVE flash sale: %s", "LIVE: %s restock", "LIVE: styling %s with you"}
)

// makeContent publishes the accounts' videos (several a day across accounts) and LIVEs (about one a
// day, in the evening) over the whole history, in publication order with ids ascending in time.
func makeContent(r *rng, cal *calendar) []contentItem {
	var out []contentItem
	liveShare := make([]float64, len(accounts))
	for i, a := range accounts {
		liveShare[i] = a.liveShare
	}
	liveHost := newWeights(liveShare...)
	for d := range cal.days() {
		dayLen := cal.mid[d+1] - cal.mid[d]
		growth := 0.8 + 0.4*float64(d)/float64(cal.days()) // the channels post more as they grow
		var today []contentItem
		for ai, a := range accounts {
			for range r.poisson(a.videosDay * growth) {
				t := cal.mid[d] + int64((8+14*r.Float64())/24*float64(dayLen))
				today = append(today, contentItem{account: ai, kind: kindVideo, published: t})
			}
		}
		if r.chance(0.92) {
			t := cal.mid[d] + int64((18.5+2*r.Float64())/24*float64(dayLen))
			today = append(today, contentItem{account: liveHost.pick(r), kind: kindLive, published: t})
		}
		sort.SliceStable(today, func(i, j int) bool { return today[i].published < today[j].published })
		for _, c := range today {
			ai := c.account
			if c.published < cal.start || c.published >= cal.end {
				continue
			}
			a := accounts[c.account]
			c.category = a.categories[0]
			if ai == 0 || !r.chance(0.7) { // the official account covers everything
				c.category = a.categories[r.IntN(len(a.categories))]
			}
			subject := pickString(r, subjects[c.category])
			if c.kind == kindLive {
				c.title = strings.Replace(pickString(r, liveTitles), "%s", subject, 1)
			} else {
				c.title = strings.Replace(pickString(r, videoTitles), "%s", subject, 1)
			}
			if c.title[0] >= 'a' && c.title[0] <= 'z' {
				c.title = strings.ToUpper(c.title[:1]) + c.title[1:]
			}
			c.id = int64(len(out) + 1)
			out = append(out, c)
		}
	}
	return out
}
