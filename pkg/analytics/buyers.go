package analytics

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// BuyersQuery is the query model of query type "buyers".
type BuyersQuery struct {
	// View is the figure set: summary (default), trend, channels, products or profile.
	View string `json:"view"`
	// Comparison is the range the figures are compared with (default previous_period).
	Comparison Comparison `json:"comparison"`
	// Bucket sizes the trend: auto (Grafana's interval), hour, day, week or month.
	Bucket string `json:"bucket"`
	// ContentKind restricts the channels view to "live" or "video" content; empty: both.
	ContentKind string `json:"contentKind"`
	// RankBy orders rankings by the revenue of "all" (default), "new" or "repeat" buyers.
	RankBy string `json:"rankBy"`
	// TopN limits rankings (default 10, at most 1000).
	TopN int `json:"topN"`
	// Group picks the buyers a profile describes: all (default), new or repeat.
	Group string `json:"group"`
	// Dimension is the profile's dimension: age_band, gender, follower_status, device_price_band,
	// country, region or video_preference.
	Dimension string `json:"dimension"`
	// Metric keeps one series of the trend (new_buyers, repeat_buyers, new_revenue,
	// repeat_revenue or repeat_rate, with its comparison): alerting needs a single value field.
	Metric string `json:"metric"`
}

// The buyers views.
const (
	BuyersSummary  = "summary"
	BuyersTrend    = "trend"
	BuyersChannels = "channels"
	BuyersProducts = "products"
	BuyersProfile  = "profile"
)

var (
	buyersByPeriodSQL = statementTwoWays("buyers_by_period")
	// buyersTrendSQL counts the same groups for consecutive buckets in one pass over the orders.
	buyersTrendSQL = statementTwoWays("buyers_trend")
)

// BuyerGroup is the size and revenue of a group of buyers.
type BuyerGroup struct {
	Buyers  int64
	Revenue float64
}

// BuyerCounts are the new and repeat groups of one period.
type BuyerCounts struct {
	New, Repeat BuyerGroup
}

// All is the union of the new and repeat groups.
func (c BuyerCounts) All() BuyerGroup {
	return BuyerGroup{Buyers: c.New.Buyers + c.Repeat.Buyers, Revenue: c.New.Revenue + c.Repeat.Revenue}
}

// RepeatRate is repeat buyers / buyers, or nil without buyers.
func (c BuyerCounts) RepeatRate() *float64 {
	return ratio(float64(c.Repeat.Buyers), float64(c.All().Buyers))
}

// Buyers answers query type "buyers" for period p; interval is Grafana's suggested interval.
func (e *Engine) Buyers(ctx context.Context, q BuyersQuery, p Period, interval time.Duration) (data.Frames, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	switch q.View {
	case "", BuyersSummary:
		return e.buyersSummary(ctx, q, p)
	case BuyersTrend:
		return e.buyersTrend(ctx, q, p, interval)
	case BuyersChannels:
		return e.buyersChannels(ctx, q, p)
	case BuyersProducts:
		return e.buyersProducts(ctx, q, p)
	case BuyersProfile:
		return e.buyersProfile(ctx, q, p)
	}
	return nil, invalidf("buyers: unknown view %q: use summary, trend, channels, products or profile", q.View)
}

// BuyerCountsFor computes the new and repeat buyers of each period in one statement.
func (e *Engine) BuyerCountsFor(ctx context.Context, periods []Period) ([]BuyerCounts, error) {
	counts, _, err := e.periodBuyerCounts(ctx, periods)
	return counts, err
}

// periodBuyerCounts is BuyerCountsFor, also returning the statement it ran.
func (e *Engine) periodBuyerCounts(ctx context.Context, periods []Period) ([]BuyerCounts, string, error) {
	froms := make([]time.Time, len(periods))
	tos := make([]time.Time, len(periods))
	lookbacks := make([]pgtype.Timestamptz, len(periods))
	for i, p := range periods {
		froms[i], tos[i], lookbacks[i] = p.From, p.To, e.lookback(p.From)
	}
	return e.buyerCounts(ctx, buyersByPeriodSQL, froms, tos, froms, tos, lookbacks)
}

// bucketBuyerCounts computes the new and repeat buyers of consecutive buckets (a trend).
func (e *Engine) bucketBuyerCounts(ctx context.Context, buckets []Period) ([]BuyerCounts, string, error) {
	if len(buckets) == 0 {
		return nil, "", nil
	}
	starts := make([]time.Time, len(buckets))
	ends := make([]time.Time, len(buckets))
	lookbacks := make([]pgtype.Timestamptz, len(buckets))
	for i, b := range buckets {
		starts[i], ends[i], lookbacks[i] = b.From, b.To, e.lookback(b.From)
	}
	return e.buyerCounts(ctx, buyersTrendSQL, starts, ends, starts, buckets[len(buckets)-1].To, lookbacks)
}

// buyerCounts runs a statement answering (period number, is_repeat, buyers, revenue) rows for the
// periods [froms[i], tos[i]), and the form of stmt it ran.
func (e *Engine) buyerCounts(ctx context.Context, stmt twoWays, froms, tos []time.Time, args ...any) ([]BuyerCounts, string, error) {
	out := make([]BuyerCounts, len(froms))
	var sql string
	err := e.db.Read(ctx, func(tx database.Tx) error {
		var err error
		if sql, err = stmt.pick(ctx, tx, froms, tos); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var period int
			var repeat bool
			var g BuyerGroup
			if err := rows.Scan(&period, &repeat, &g.Buyers, &g.Revenue); err != nil {
				return err
			}
			if repeat {
				out[period-1].Repeat = g
			} else {
				out[period-1].New = g
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, "", explain("buyers", err)
	}
	return out, sql, nil
}

// lookback is the bound parameter for the look-back start: -infinity for all history.
func (e *Engine) lookback(from time.Time) pgtype.Timestamptz {
	start := e.shop.LookbackStart(from)
	if start.IsZero() {
		return pgtype.Timestamptz{InfinityModifier: pgtype.NegativeInfinity, Valid: true}
	}
	return pgtype.Timestamptz{Time: start, Valid: true}
}

func (e *Engine) buyersSummary(ctx context.Context, q BuyersQuery, p Period) (data.Frames, error) {
	periods, cmp, hasCmp, err := e.shop.withComparison(p, q.Comparison)
	if err != nil {
		return nil, err
	}
	counts, sql, err := eachPeriodApart(ctx, periods, e.periodBuyerCounts)
	if err != nil {
		return nil, err
	}
	cur, prev := counts[0], BuyerCounts{}
	if hasCmp {
		prev = counts[1]
	}
	money := e.shop.MoneyUnit()
	groups := []struct {
		name      string
		cur, prev BuyerGroup
	}{
		{"New buyers", cur.New, prev.New},
		{"Repeat buyers", cur.Repeat, prev.Repeat},
		{"All buyers", cur.All(), prev.All()},
	}
	curAll, prevAll := cur.All(), prev.All()
	f := newFrameBuilder("buyers_summary")
	name := f.str("group", "Group")
	buyers := f.int("buyers", "Buyers", "short")
	share := f.ratio("buyer_share", "Share of buyers", "percentunit")
	revenue := f.float("revenue", "Revenue", money)
	revShare := f.ratio("revenue_share", "Share of revenue", "percentunit")
	var buyersPrev, buyersChg, sharePrev, revenuePrev, revenueChg, revSharePrev *data.Field
	if hasCmp {
		buyersPrev = f.int("buyers_previous", "Buyers (previous)", "short")
		buyersChg = f.ratio("buyers_change", "Buyers change", "percentunit")
		sharePrev = f.ratio("buyer_share_previous", "Share of buyers (previous)", "percentunit")
		revenuePrev = f.float("revenue_previous", "Revenue (previous)", money)
		revenueChg = f.ratio("revenue_change", "Revenue change", "percentunit")
		revSharePrev = f.ratio("revenue_share_previous", "Share of revenue (previous)", "percentunit")
	}
	for _, g := range groups {
		name.Append(g.name)
		buyers.Append(g.cur.Buyers)
		share.Append(ratio(float64(g.cur.Buyers), float64(curAll.Buyers)))
		revenue.Append(g.cur.Revenue)
		revShare.Append(ratio(g.cur.Revenue, curAll.Revenue))
		if hasCmp {
			buyersPrev.Append(g.prev.Buyers)
			buyersChg.Append(change(float64(g.cur.Buyers), float64(g.prev.Buyers)))
			sharePrev.Append(ratio(float64(g.prev.Buyers), float64(prevAll.Buyers)))
			revenuePrev.Append(g.prev.Revenue)
			revenueChg.Append(change(g.cur.Revenue, g.prev.Revenue))
			revSharePrev.Append(ratio(g.prev.Revenue, prevAll.Revenue))
		}
	}
	frame := f.frame(sql)
	frame.Meta.Custom = periodsMeta(p, cmp, hasCmp)
	return data.Frames{frame}, nil
}

// buyersTrend applies the buyer definitions to each bucket as its own period. The comparison's
// buckets are drawn on the current buckets' times, so a panel can overlay the two.
func (e *Engine) buyersTrend(ctx context.Context, q BuyersQuery, p Period, interval time.Duration) (data.Frames, error) {
	switch q.Metric {
	case "", "new_buyers", "repeat_buyers", "new_revenue", "repeat_revenue", "repeat_rate":
	default:
		return nil, invalidf("buyers trend: unknown metric %q: use new_buyers, repeat_buyers, new_revenue, repeat_revenue or repeat_rate, or none for all", q.Metric)
	}
	tr, err := e.shop.newTrend(p, q.Comparison, q.Bucket, interval)
	if err != nil {
		return nil, err
	}
	buckets, hasCmp := tr.Buckets, tr.HasComparison
	// The range's buckets and the comparison's, each in two halves: four statements, side by side
	// (apart). A year's trend reads every order of the year per statement, and a growing shop's
	// range has more of them than its comparison (5.4M against 2.9M rows at 1M customers):
	// halves keep both cores busy to the end (365d-weekly 3.6-3.7 -> 2.7-2.9 s).
	var chunks [][]Period
	for _, list := range [][]Period{tr.Buckets, tr.Previous} {
		chunks = append(chunks, halves(list)...)
	}
	parts, sql, err := apart(ctx, len(chunks), func(ctx context.Context, i int) ([]BuyerCounts, string, error) {
		return e.bucketBuyerCounts(ctx, chunks[i])
	})
	if err != nil {
		return nil, err
	}
	var counts []BuyerCounts
	for _, part := range parts {
		counts = append(counts, part...)
	}
	money := e.shop.MoneyUnit()
	f := newFrameBuilder("buyers_trend")
	ts := f.time("time", "Time")
	newB := f.int("new_buyers", "New buyers", "short")
	repB := f.int("repeat_buyers", "Repeat buyers", "short")
	newR := f.float("new_revenue", "New buyers' revenue", money)
	repR := f.float("repeat_revenue", "Repeat buyers' revenue", money)
	rate := f.ratio("repeat_rate", "Repeat rate", "percentunit")
	var newBP, repBP, newRP, repRP, rateP *data.Field
	if hasCmp {
		newBP = f.nullableInt("new_buyers_previous", "New buyers (previous)", "short")
		repBP = f.nullableInt("repeat_buyers_previous", "Repeat buyers (previous)", "short")
		newRP = f.ratio("new_revenue_previous", "New buyers' revenue (previous)", money)
		repRP = f.ratio("repeat_revenue_previous", "Repeat buyers' revenue (previous)", money)
		rateP = f.ratio("repeat_rate_previous", "Repeat rate (previous)", "percentunit")
	}
	for i, b := range buckets {
		c := counts[i]
		ts.Append(b.From)
		newB.Append(c.New.Buyers)
		repB.Append(c.Repeat.Buyers)
		newR.Append(c.New.Revenue)
		repR.Append(c.Repeat.Revenue)
		rate.Append(c.RepeatRate())
		if hasCmp {
			// Buckets of a comparison period of unequal length (DST, months) may not pair up:
			// unpaired current buckets get nulls.
			if tr.Paired(i) {
				pc := counts[len(buckets)+i]
				newBP.Append(&pc.New.Buyers)
				repBP.Append(&pc.Repeat.Buyers)
				newRP.Append(&pc.New.Revenue)
				repRP.Append(&pc.Repeat.Revenue)
				rateP.Append(pc.RepeatRate())
			} else {
				newBP.Append(nil)
				repBP.Append(nil)
				newRP.Append(nil)
				repRP.Append(nil)
				rateP.Append(nil)
			}
		}
	}
	frame := f.frame(sql)
	frame.Meta.PreferredVisualization = data.VisTypeGraph
	frame.Meta.Custom = periodsMeta(p, tr.Comparison, hasCmp)
	if q.Metric != "" {
		kept := frame.Fields[:1]
		for _, fl := range frame.Fields[1:] {
			if fl.Name == q.Metric || fl.Name == q.Metric+"_previous" {
				kept = append(kept, fl)
			}
		}
		frame.Fields = kept
	}
	return data.Frames{frame}, nil
}

// periodsMeta records the ranges a frame covers, for the query inspector.
func periodsMeta(p, cmp Period, hasCmp bool) map[string]string {
	m := map[string]string{"period": p.String()}
	if hasCmp {
		m["comparison"] = cmp.String()
	}
	return m
}

// ratio is a/b, or null when b is 0 (a share of nothing is unknown, not 0).
func ratio(a, b float64) *float64 {
	if b == 0 {
		return nil
	}
	r := a / b
	return &r
}

// change is the relative change from prev to cur, or null when prev is 0.
func change(cur, prev float64) *float64 {
	if prev == 0 {
		return nil
	}
	r := (cur - prev) / prev
	return &r
}
