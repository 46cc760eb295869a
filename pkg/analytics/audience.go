package analytics

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// AudienceQuery is the query model of query type "audience_growth" (seed 002, SPEC §4 "Audience
// growth"): the customer base by audience state over time, active customers now and earlier, the
// audience overview and the most popular products of a segment.
type AudienceQuery struct {
	// View is states (default: customers by audience state at each bucket end), active_history,
	// overview or popular_products.
	View string `json:"view"`
	// Dimension splits the overview (default audience_state) and, with Segment, picks the
	// customers of popular_products.
	Dimension string `json:"dimension"`
	// Segment is a value of Dimension (popular_products only), as the breakdown shows it.
	Segment string `json:"segment"`
	// Bucket sizes the states view: auto (Grafana's interval), hour, day, week or month.
	Bucket string `json:"bucket"`
	// TopN limits popular_products (default 10, at most 1000).
	TopN int `json:"topN"`
}

// The audience_growth views.
const (
	AudienceStates          = "states"
	AudienceActiveHistory   = "active_history"
	AudienceOverview        = "overview"
	AudiencePopularProducts = "popular_products"
)

// audienceStateValues are the audience states of customers, in display order (leads have none).
var audienceStateValues = []string{"new", "active", "slipping away", "lost"}

var (
	// audienceStatesSQL counts the states at instants within audienceWideSpan of the first one;
	// audienceStatesWideSQL at instants further apart (the two differ only in where the history
	// form tests the customers rows; audience_states.sql says why).
	audienceStatesSQL     = expandTwoWays("audience_states", audienceStatesForm{})
	audienceStatesWideSQL = expandTwoWays("audience_states", audienceStatesForm{Wide: true})
	// audienceProductsSQL is the popular-products statement of each dimension.
	audienceProductsSQL = func() map[string]twoWays {
		out := map[string]twoWays{}
		for name, d := range customerDimensions {
			out[name] = segmentStatement("audience_products", segmentSQL{Dim: d})
		}
		return out
	}()
)

// AudienceGrowth answers query type "audience_growth" for period p; interval is Grafana's.
func (e *Engine) AudienceGrowth(ctx context.Context, q AudienceQuery, p Period, interval time.Duration) (data.Frames, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	switch q.View {
	case "", AudienceStates:
		return e.audienceStates(ctx, q, p, interval)
	case AudienceActiveHistory:
		return e.audienceActiveHistory(ctx, p)
	case AudienceOverview:
		return e.audienceOverview(ctx, q, p)
	case AudiencePopularProducts:
		return e.audiencePopularProducts(ctx, q, p)
	}
	return nil, invalidf("audience growth: unknown view %q: use states, active_history, overview or popular_products", q.View)
}

// audienceStatesForm is the template data of audience_states.sql.
type audienceStatesForm struct{ Wide bool }

// audienceWideSpan is the span of instants (first to last) beyond which audienceStatesWideSQL runs.
const audienceWideSpan = 92 * 24 * time.Hour

// audienceStatesAt counts the customers of each audience state as of each instant (ascending):
// out[state][i] as of instants[i]. One statement, whatever the number of instants.
func (e *Engine) audienceStatesAt(ctx context.Context, instants []time.Time) (map[string][]int64, string, error) {
	n := len(instants)
	newFroms := make([]time.Time, n)
	for i, t := range instants {
		newFroms[i] = t.In(e.shop.Location).AddDate(0, 0, -newCustomerDays)
		// The statement searches the edges in order (width_bucket): they must not go back, which
		// holds for whole local hours and days; refuse rather than miscount otherwise.
		if i > 0 && (!t.After(instants[i-1]) || newFroms[i].Before(newFroms[i-1])) {
			return nil, "", fmt.Errorf("audience states: instants %s and %s out of order", instants[i-1], t)
		}
	}
	deltas := map[string][]int64{}
	for _, s := range audienceStateValues {
		deltas[s] = make([]int64, n)
	}
	stmt := audienceStatesSQL
	if n > 0 && instants[n-1].Sub(instants[0]) > audienceWideSpan {
		stmt = audienceStatesWideSQL
	}
	var sql string
	err := e.db.Read(ctx, func(tx database.Tx) error {
		rs, ran, err := e.queryKept(ctx, tx, stmt, instants, newFroms, e.shop.AtRiskDays, e.shop.LapsedDays)
		sql = ran
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var state string
			var idx int
			var d int64
			if err := rs.Scan(&state, &idx, &d); err != nil {
				return err
			}
			if _, ok := deltas[state]; ok && idx >= 0 && idx < n {
				deltas[state][idx] += d
			}
		}
		return rs.Err()
	})
	if err != nil {
		return nil, "", explain("audience states", err)
	}
	// The statement answers where each state's ranges start (+1) and end (−1): running sums.
	for _, s := range audienceStateValues {
		var sum int64
		for i, d := range deltas[s] {
			sum += d
			deltas[s][i] = sum
		}
	}
	return deltas, sql, nil
}

// audienceStates answers the customers by audience state at the end of each bucket: a wide time
// series stamped at the bucket ends (each end is its own "as of").
func (e *Engine) audienceStates(ctx context.Context, q AudienceQuery, p Period, interval time.Duration) (data.Frames, error) {
	buckets, err := e.shop.Buckets(p, q.Bucket, interval)
	if err != nil {
		return nil, err
	}
	ends := make([]time.Time, len(buckets))
	for i, b := range buckets {
		ends[i] = b.To
	}
	counts, sql, err := e.audienceStatesAt(ctx, ends)
	if err != nil {
		return nil, err
	}
	f := newFrameBuilder("audience_states")
	ts := f.time("time", "Time")
	fields := map[string]*data.Field{
		"new":           f.int("new", "New", "short"),
		"active":        f.int("active", "Active", "short"),
		"slipping away": f.int("slipping_away", "Slipping away", "short"),
		"lost":          f.int("lost", "Lost", "short"),
	}
	for i, t := range ends {
		ts.Append(t)
		for _, s := range audienceStateValues {
			fields[s].Append(counts[s][i])
		}
	}
	frame := f.frame(sql)
	frame.Meta.PreferredVisualization = data.VisTypeGraph
	frame.Meta.Custom = map[string]string{"period": p.String()}
	return data.Frames{frame}, nil
}

// activeHistoryMonths are how many local calendar months before the period's end each row of
// active_history is as of.
var activeHistoryMonths = []int{0, 1, 3, 6, 12}

func monthsAgo(m int) string {
	switch m {
	case 0:
		return "now"
	case 1:
		return "1 month ago"
	}
	return strconv.Itoa(m) + " months ago"
}

// audienceActiveHistory answers the active customers (audience state active: not new, recency
// below the at-risk threshold) now and 1, 3, 6 and 12 local calendar months earlier, with the
// change from each earlier count to now.
func (e *Engine) audienceActiveHistory(ctx context.Context, p Period) (data.Frames, error) {
	to := p.To.In(e.shop.Location)
	k := len(activeHistoryMonths)
	instants := make([]time.Time, k) // ascending: 12 months ago first
	for i, m := range activeHistoryMonths {
		instants[k-1-i] = to.AddDate(0, -m, 0)
	}
	counts, sql, err := e.audienceStatesAt(ctx, instants)
	if err != nil {
		return nil, err
	}
	active := counts["active"]
	now := active[k-1]
	f := newFrameBuilder("audience_active_history")
	label := f.str("label", "When")
	asOf := f.time("as_of", "As of")
	customers := f.int("customers", "Active customers", "short")
	chg := f.ratio("change", "Change to now", "percentunit")
	for i, m := range activeHistoryMonths {
		j := k - 1 - i
		label.Append(monthsAgo(m))
		asOf.Append(instants[j])
		customers.Append(active[j])
		chg.Append(change(float64(now), float64(active[j])))
	}
	frame := f.frame(sql)
	frame.Meta.Custom = map[string]string{"as_of": to.Format(time.RFC3339)}
	return data.Frames{frame}, nil
}

// audienceOverviewFields are the segment breakdown's fields the overview shows, renamed as seed
// 002 names them: the numbers are the breakdown's own.
var audienceOverviewFields = []struct{ name, display string }{
	{"avg_clv", "Lifetime value"},
	{"customers", "Count"},
	{"avg_orders", "Average orders"},
	{"aov", "Average basket size"},
	{"annual_orders", "Annual orders"},
	{"annual_revenue", "Annual revenue"},
	{"lost_share", "Lost"},
}

// audienceOverview answers the audience overview: per value of a customer dimension (default
// audience_state; the lead row, without customers, is left out), fields of the segment breakdown.
func (e *Engine) audienceOverview(ctx context.Context, q AudienceQuery, p Period) (data.Frames, error) {
	name := q.Dimension
	if name == "" {
		name = "audience_state"
	}
	d, err := customerDimensionOf(name)
	if err != nil {
		return nil, err
	}
	frames, err := e.segmentBreakdown(ctx, d, "", p)
	if err != nil {
		return nil, err
	}
	b := frames[0]
	values, _ := b.FieldByName(d.Name)
	var keep []int
	for i := 0; i < values.Len(); i++ {
		if values.At(i).(string) != leadValue {
			keep = append(keep, i)
		}
	}
	out := []*data.Field{pick(values, keep, d.label)}
	for _, fd := range audienceOverviewFields {
		src, _ := b.FieldByName(fd.name)
		out = append(out, pick(src, keep, fd.display))
	}
	frame := data.NewFrame("audience_overview", out...)
	frame.Meta = b.Meta
	return data.Frames{frame}, nil
}

// pick copies the rows keep of src, with its unit and a new display name.
func pick(src *data.Field, keep []int, display string) *data.Field {
	dst := data.NewFieldFromFieldType(src.Type(), len(keep))
	dst.Name = src.Name
	for j, i := range keep {
		dst.Set(j, src.At(i))
	}
	unit := ""
	if src.Config != nil {
		unit = src.Config.Unit
	}
	dst.Config = &data.FieldConfig{DisplayNameFromDS: display, Unit: unit}
	return dst
}

// audiencePopularProducts ranks the products the customers of a segment bought in p.
func (e *Engine) audiencePopularProducts(ctx context.Context, q AudienceQuery, p Period) (data.Frames, error) {
	name := q.Dimension
	if name == "" {
		name = "audience_state"
	}
	d, err := customerDimensionOf(name)
	if err != nil {
		return nil, err
	}
	raw, err := e.shop.segmentRaw(d, q.Segment)
	if err != nil {
		return nil, err
	}
	n, err := topN(q.TopN)
	if err != nil {
		return nil, err
	}
	stmt := audienceProductsSQL[d.Name]
	var sql string
	money := e.shop.MoneyUnit()
	f := newFrameBuilder("audience_popular_products")
	id := f.str("product_id", "Product id")
	product := f.str("product", "Product")
	cat := f.str("category", "Category")
	units := f.int("units", "Units sold", "short")
	customers := f.int("customers", "Customers", "short")
	revenue := f.float("revenue", "Revenue", money)
	args := append(e.dimensionArgs(p), raw, p.From, n)
	err = e.db.Read(ctx, func(tx database.Tx) error {
		// The members' lines are a semi-join of the period's lines to the members, a hash join
		// (audience_products.sql); the email statistics' members keep merge joins.
		query := e.queryKept
		if d.Email {
			query = e.queryMerged
		}
		rs, ran, err := query(ctx, tx, stmt, args...)
		sql = ran
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var pid, pname, pcat string
			var u, c int64
			var r float64
			if err := rs.Scan(&pid, &pname, &pcat, &u, &c, &r); err != nil {
				return err
			}
			id.Append(pid)
			product.Append(pname)
			cat.Append(pcat)
			units.Append(u)
			customers.Append(c)
			revenue.Append(r)
		}
		return rs.Err()
	})
	if err != nil {
		return nil, explain("popular products of "+d.label+" "+q.Segment, err)
	}
	frame := e.asOfFrame(f, sql, p)
	frame.Meta.Custom.(map[string]string)["segment"] = d.Name + " = " + q.Segment
	frame.Meta.Custom.(map[string]string)["period"] = p.String()
	return data.Frames{frame}, nil
}

// segmentRaw turns a segment value as the frames show it into the dimension's raw SQL value,
// checking it against a closed set of values.
func (s Shop) segmentRaw(d customerDimension, value string) (string, error) {
	var known []string
	if d.values != nil {
		known = d.values(s)
	}
	if value == "" {
		if known != nil {
			return "", invalidf("popular products need a segment: a value of %s, one of %s", d.Name, strings.Join(known, ", "))
		}
		return "", invalidf("popular products need a segment: a value of %s as the segment breakdown shows it", d.Name)
	}
	if known == nil {
		return value, nil
	}
	for i, v := range known {
		if v == value {
			if d.deviceBands && v != "unknown" {
				return strconv.Itoa(i), nil
			}
			return v, nil
		}
	}
	return "", invalidf("unknown segment %q of %s: use one of %s", value, d.Name, strings.Join(known, ", "))
}
