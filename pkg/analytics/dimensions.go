package analytics

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// customerDimension is one way to split the contacts as of a moment (SPEC §4 "Customer
// dimensions"). Expr is a fixed SQL expression over a contact_dims row c and the params row p
// (sql/dimensions.tmpl.sql), chosen by name: never user text.
type customerDimension struct {
	Name string
	Expr string
	// Email says the expression needs email_events; FirstOrder, the row of the first valid order.
	Email, FirstOrder bool
	// CustomerRow says the expression reads the customers row (and the params) alone, so a
	// statement that already knows its customers need not derive every contact's order figures.
	CustomerRow bool
	// Ranked says the expression reads a quantile score (ScoresApart); derived from Expr
	// (readsScore), not set by hand.
	Ranked bool
	label  string
	// values lists a closed set of values in display order; nil: an open set, ordered by size.
	values func(Shop) []string
	// deviceBands: the raw values are width_bucket numbers, named by the shop's device-price edges.
	deviceBands bool
}

// The value of every order dimension for a lead (a contact without a valid order).
const leadValue = "lead"

func fixed(values ...string) func(Shop) []string {
	return func(Shop) []string { return values }
}

// scores lists the RFM scores 1..scale, then lead.
func scores(s Shop) []string {
	out := make([]string, 0, s.RFMScale+1)
	for i := 1; i <= s.RFMScale; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return append(out, leadValue)
}

// fromProfile reuses a buyer-profile dimension over customers columns: one definition each.
func fromProfile(name string) customerDimension {
	pd := profileDimensions[name]
	d := customerDimension{Name: name, Expr: pd.Expr, label: pd.label, deviceBands: name == "device_price_band", CustomerRow: true}
	if pd.values != nil {
		d.values = fixed(pd.values...)
	}
	if d.deviceBands {
		d.values = func(s Shop) []string { return s.deviceBandLabels() }
	}
	return d
}

// customerDimensions are the dimensions a segment breakdown or matrix may use.
var customerDimensions = func() map[string]customerDimension {
	dims := []customerDimension{
		{Name: "lifecycle_status", label: "Lifecycle status", Expr: `c.lifecycle_status`,
			values: fixed("active", "at risk", "lapsed", leadValue)},
		{Name: "lifecycle_stage", label: "Lifecycle stage", Expr: `c.lifecycle_stage`,
			values: fixed("Active", "Lapsing", "Inactive", leadValue)},
		{Name: "frequency_band", label: "Frequency", Expr: `c.frequency_band`,
			values: fixed("one-time", "repeat", "loyal", "very loyal", leadValue)},
		{Name: "value_band", label: "Customer value", Expr: `c.value_band`,
			values: fixed(valueBands...)},
		{Name: "email_engagement", label: "Email engagement", Expr: `c.email_engagement`, Email: true,
			values: fixed("none", "low", "medium", "high", "unknown")},
		{Name: "recency_score", label: "Recency score", Expr: `coalesce(c.r_score::text, 'lead')`, values: scores},
		{Name: "frequency_score", label: "Frequency score", Expr: `coalesce(c.f_score::text, 'lead')`, values: scores},
		{Name: "monetary_score", label: "Monetary score", Expr: `coalesce(c.m_score::text, 'lead')`, values: scores},
		{Name: "persona", label: "RFM persona", Expr: `c.persona`,
			values: fixed(append(append([]string{}, personas...), leadValue)...)},
		{Name: "audience_state", label: "Audience state", Expr: `c.audience_state`,
			values: fixed("new", "active", "slipping away", "lost", leadValue)},
		fromProfile("gender"),
		fromProfile("age_band"),
		fromProfile("country"),
		fromProfile("region"),
		fromProfile("device_price_band"),
		{Name: "city", label: "City", CustomerRow: true,
			Expr: `CASE WHEN c.city IS NULL THEN 'unknown' ELSE coalesce(c.country || ' / ', '') || c.city END`},
		{Name: "email_opt_in", label: "Email opt-in", values: fixed("opted in", "opted out", "unknown"), CustomerRow: true,
			Expr: `CASE WHEN c.email_opt_in THEN 'opted in' WHEN NOT c.email_opt_in THEN 'opted out' ELSE 'unknown' END`},
		{Name: "first_order_channel", label: "First-order channel", FirstOrder: true,
			Expr: `CASE WHEN NOT c.is_customer THEN 'lead' ELSE coalesce(nullif(c.first_channel, ''), 'unknown') END`},
		{Name: "store", label: "Store", FirstOrder: true,
			Expr: `CASE WHEN NOT c.is_customer THEN 'lead' ELSE coalesce(nullif(c.first_store, ''), 'unknown') END`},
	}
	m := make(map[string]customerDimension, len(dims))
	for _, d := range dims {
		d.Ranked = readsScore.MatchString(d.Expr)
		m[d.Name] = d
	}
	return m
}()

// readsScore finds the contact_dims columns computed from the quantile windows
// (dimensions.tmpl.sql: r_score, f_score, m_score, and persona and lifecycle_stage from them).
var readsScore = regexp.MustCompile(`\bc\.(r_score|f_score|m_score|persona|lifecycle_stage)\b`)

// valueBands are the customer-value bands in display order, leads last.
var valueBands = []string{"low", "medium", "high", "very high", leadValue}

// customerDimensionNames lists the dimensions for error messages.
func customerDimensionNames() string {
	names := make([]string, 0, len(customerDimensions))
	for n := range customerDimensions {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func customerDimensionOf(name string) (customerDimension, error) {
	if name == "" {
		return customerDimension{}, invalidf("choose a dimension: one of %s", customerDimensionNames())
	}
	d, ok := customerDimensions[name]
	if !ok {
		return customerDimension{}, invalidf("unknown dimension %q: use one of %s", name, customerDimensionNames())
	}
	return d, nil
}

// segmentSQL is what the segment statements are expanded with (static text only).
type segmentSQL struct {
	// Dim is the dimension split by; Dim2 the second one of a matrix.
	Dim, Dim2 customerDimension
	// Attempted counts the orders attempted, invalid ones included (the breakdown).
	Attempted bool
	// Annual adds each contact's valid orders and revenue of the 365 days before as_of (the
	// breakdown).
	Annual bool
	// Days carries each customer's purchase days and first day's revenue in the history form
	// (predicted CLV by dimension reads its inputs from the same last rows).
	Days bool
	// Apart computes the quantile scores apart (ScoresApart) in a statement that is not a
	// breakdown: the RFM score distribution, whose three windows then sort the customers' order
	// figures instead of the contacts' rows (1M shop, psql, 4 pairs: 3.31-3.51 -> 2.87-2.99 s).
	Apart bool
}

// Email says a dimension needs email_events.
func (s segmentSQL) Email() bool { return s.Dim.Email || s.Dim2.Email }

// Ranked says a dimension reads a quantile score.
func (s segmentSQL) Ranked() bool { return s.Dim.Ranked || s.Dim2.Ranked }

// ScoresApart says contact_dims computes the quantile scores from each customer's order figures
// alone and joins them to the contacts (dimensions.tmpl.sql): for the breakdown by a score,
// whose contact rows carry every figure, so the windows sort narrow rows instead of whole ones.
// Statements that read few columns sort the contacts' rows, as PostgreSQL keeps only those
// (personas revenue and by stage, CLV by persona: slower apart, measured on 2026-12-03 and again
// on 2026-12-04), unless they ask for it (Apart).
func (s segmentSQL) ScoresApart() bool { return s.Apart || (s.Ranked() && s.Annual) }

// FirstOrder says a dimension needs the row of each customer's first valid order.
func (s segmentSQL) FirstOrder() bool { return s.Dim.FirstOrder || s.Dim2.FirstOrder }

// segmentStatement expands sql/<name>.sql with s (at start-up), in its two forms (history.go).
func segmentStatement(name string, s segmentSQL) twoWays {
	return expandTwoWays(name, s)
}

// The windows of the dimensions, in local days before the period's end.
const (
	annualDays      = 365 // annual orders and revenue
	newCustomerDays = 30  // audience state "new"
	emailDays       = 180 // email engagement
)

// dimensionArgs binds the parameters every segment statement takes (sql/dimensions.tmpl.sql):
// the dimensions are as of the period's end.
func (e *Engine) dimensionArgs(p Period) []any {
	s := e.shop
	to := p.To.In(s.Location)
	back := func(days int) time.Time { return to.AddDate(0, 0, -days) }
	edges := append([]float64{}, s.DevicePriceEdges...)
	bands := s.ValueBands
	return []any{p.To, back(annualDays), back(newCustomerDays), back(emailDays),
		s.AtRiskDays, s.LapsedDays, bands[:], s.RFMScale, personaGrid(s.RFMScale), e.refYear(p), edges}
}

// dimensionValue names a raw value of d as the frames show it.
func (s Shop) dimensionValue(d customerDimension, raw string) string {
	if d.deviceBands && raw != "unknown" {
		labels := s.deviceBandLabels()
		if i, err := strconv.Atoi(raw); err == nil && i >= 0 && i < len(labels) {
			return labels[i]
		}
	}
	return raw
}

// orderValues lists the values of d in display order: a closed set's values in its order (all of
// them, even at 0), then any other value seen; an open set's values by size, then unknown and lead.
func (s Shop) orderValues(d customerDimension, size map[string]int64) []string {
	var out []string
	known := map[string]bool{}
	if d.values != nil {
		out = d.values(s)
		for _, v := range out {
			known[v] = true
		}
	}
	var rest []string
	for v := range size {
		if !known[v] {
			rest = append(rest, v)
		}
	}
	last := func(v string) int {
		switch v {
		case "unknown":
			return 1
		case leadValue:
			return 2
		}
		return 0
	}
	sort.Slice(rest, func(i, j int) bool {
		a, b := rest[i], rest[j]
		if last(a) != last(b) {
			return last(a) < last(b)
		}
		if size[a] != size[b] {
			return size[a] > size[b]
		}
		return a < b
	})
	return append(out, rest...)
}
