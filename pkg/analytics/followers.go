package analytics

import (
	"context"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// FollowersQuery is the query model of query type "followers".
type FollowersQuery struct {
	// View is the figure set: summary (default), trend, channels or profile.
	View string `json:"view"`
	// Accounts are the ids (as text) of the account set A; empty means all accounts.
	Accounts []string `json:"accounts"`
	// Comparison is the range the figures are compared with (default previous_period).
	Comparison Comparison `json:"comparison"`
	// Bucket sizes the trend: auto (Grafana's interval), hour, day, week or month.
	Bucket string `json:"bucket"`
	// PerAccount makes the trend draw one series per account of A and group.
	PerAccount bool `json:"perAccount"`
	// Group picks the followers the channels and profile views describe: new (default) or active.
	Group string `json:"group"`
	// Channel is the channels view's breakdown: source (default) for both groups, content (new
	// followers) or viewed_content (active followers).
	Channel string `json:"channel"`
	// ContentKind restricts content rankings to "live" or "video" content; empty: both.
	ContentKind string `json:"contentKind"`
	// TopN limits content rankings (default 10, at most 1000).
	TopN int `json:"topN"`
	// Dimension is the profile's dimension: age_band, gender, buyer_status, device_price_band,
	// country, region or video_preference.
	Dimension string `json:"dimension"`
}

// The followers views.
const (
	FollowersSummary  = "summary"
	FollowersTrend    = "trend"
	FollowersChannels = "channels"
	FollowersProfile  = "profile"
)

var (
	// followersByPeriodSQL counts the groups with their revenue for one period.
	followersByPeriodSQL = statement("followers_by_period")
	// followersTrendSQL counts the same groups for many buckets in one pass over the follows.
	followersTrendSQL = statement("followers_trend")
)

// followerGroup is the size and valid-order revenue of a group of followers.
type followerGroup struct {
	Followers int64
	Revenue   float64
}

// followerCounts splits the followers at a period's end into new, active and the other followers.
type followerCounts struct {
	New, Active, Other followerGroup
}

// set stores g as the group named by a statement's state column.
func (c *followerCounts) set(state string, g followerGroup) {
	switch state {
	case "new":
		c.New = g
	case "active":
		c.Active = g
	default:
		c.Other = g
	}
}

// Total is every follower at the period's end.
func (c followerCounts) Total() followerGroup {
	return followerGroup{
		Followers: c.New.Followers + c.Active.Followers + c.Other.Followers,
		Revenue:   c.New.Revenue + c.Active.Revenue + c.Other.Revenue,
	}
}

// followerSeries are the counts of one account set for each period asked; ID and Name are empty
// for the account set A as a whole.
type followerSeries struct {
	ID, Name string
	Counts   []followerCounts
}

// Followers answers query type "followers" for period p; interval is Grafana's suggested interval.
func (e *Engine) Followers(ctx context.Context, q FollowersQuery, p Period, interval time.Duration) (data.Frames, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	for _, id := range q.Accounts {
		if strings.TrimSpace(id) == "" {
			return nil, invalidf("followers: an account id is empty: pick accounts in the query editor, or none for all accounts")
		}
	}
	switch q.View {
	case "", FollowersSummary:
		return e.followersSummary(ctx, q, p)
	case FollowersTrend:
		return e.followersTrend(ctx, q, p, interval)
	case FollowersChannels:
		return e.followersChannels(ctx, q, p)
	case FollowersProfile:
		return e.followersProfile(ctx, q, p)
	}
	return nil, invalidf("followers: unknown view %q: use summary, trend, channels or profile", q.View)
}

// accountIDs is the bound parameter for A: never nil, so that "all accounts" is an empty array.
func accountIDs(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}

// followerCountsFor computes the follower groups (without revenue) of each period in one
// statement, for A as a whole or, with perAccount, for each account of A (ordered by name).
func (e *Engine) followerCountsFor(ctx context.Context, periods []Period, accounts []string, perAccount bool) ([]followerSeries, error) {
	froms := make([]time.Time, len(periods))
	tos := make([]time.Time, len(periods))
	for i, p := range periods {
		froms[i], tos[i] = p.From, p.To
	}
	var out []followerSeries
	err := e.db.Read(ctx, func(tx database.Tx) error {
		rows, err := tx.Query(ctx, followersTrendSQL, froms, tos, accountIDs(accounts), perAccount)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var rangeNo int
			var id, name string
			var state *string
			var g followerGroup
			if err := rows.Scan(&rangeNo, &id, &name, &state, &g.Followers, &g.Revenue); err != nil {
				return err
			}
			if len(out) == 0 || out[len(out)-1].ID != id || out[len(out)-1].Name != name {
				out = append(out, followerSeries{ID: id, Name: name, Counts: make([]followerCounts, len(periods))})
			}
			if state != nil { // nil: a set without followers in this period
				out[len(out)-1].Counts[rangeNo-1].set(*state, g)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, explain("followers", err)
	}
	if !perAccount && len(out) == 0 {
		// Only possible without periods; keep the one series the callers expect.
		out = append(out, followerSeries{Counts: make([]followerCounts, len(periods))})
	}
	return out, nil
}

// followerCountsOf computes the follower groups of one period with their revenue.
func (e *Engine) followerCountsOf(ctx context.Context, p Period, accounts []string) (followerCounts, error) {
	var c followerCounts
	err := e.db.Read(ctx, func(tx database.Tx) error {
		rows, err := tx.Query(ctx, followersByPeriodSQL, p.From, p.To, accountIDs(accounts))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var state string
			var g followerGroup
			if err := rows.Scan(&state, &g.Followers, &g.Revenue); err != nil {
				return err
			}
			c.set(state, g)
		}
		return rows.Err()
	})
	if err != nil {
		return c, explain("followers", err)
	}
	return c, nil
}

func (e *Engine) followersSummary(ctx context.Context, q FollowersQuery, p Period) (data.Frames, error) {
	periods, cmp, hasCmp, err := e.shop.withComparison(p, q.Comparison)
	if err != nil {
		return nil, err
	}
	// The period and its comparison side by side: each statement groups one period's followers.
	counts, _, err := apart(ctx, len(periods), func(ctx context.Context, i int) (followerCounts, string, error) {
		c, err := e.followerCountsOf(ctx, periods[i], q.Accounts)
		return c, followersByPeriodSQL, err
	})
	if err != nil {
		return nil, err
	}
	cur, prev := counts[0], followerCounts{}
	if hasCmp {
		prev = counts[1]
	}
	curAll, prevAll := cur.Total(), prev.Total()
	groups := []struct {
		name      string
		cur, prev followerGroup
	}{
		{"New followers", cur.New, prev.New},
		{"Active followers", cur.Active, prev.Active},
		{"Total followers", curAll, prevAll},
	}
	money := e.shop.MoneyUnit()
	f := newFrameBuilder("followers_summary")
	name := f.str("group", "Group")
	followers := f.int("followers", "Followers", "short")
	share := f.ratio("follower_share", "Share of followers", "percentunit")
	revenue := f.float("revenue", "Revenue", money)
	var followersPrev, followersChg, sharePrev, revenuePrev, revenueChg *data.Field
	if hasCmp {
		followersPrev = f.int("followers_previous", "Followers (previous)", "short")
		followersChg = f.ratio("followers_change", "Followers change", "percentunit")
		sharePrev = f.ratio("follower_share_previous", "Share of followers (previous)", "percentunit")
		revenuePrev = f.float("revenue_previous", "Revenue (previous)", money)
		revenueChg = f.ratio("revenue_change", "Revenue change", "percentunit")
	}
	for _, g := range groups {
		name.Append(g.name)
		followers.Append(g.cur.Followers)
		share.Append(ratio(float64(g.cur.Followers), float64(curAll.Followers)))
		revenue.Append(g.cur.Revenue)
		if hasCmp {
			followersPrev.Append(g.prev.Followers)
			followersChg.Append(change(float64(g.cur.Followers), float64(g.prev.Followers)))
			sharePrev.Append(ratio(float64(g.prev.Followers), float64(prevAll.Followers)))
			revenuePrev.Append(g.prev.Revenue)
			revenueChg.Append(change(g.cur.Revenue, g.prev.Revenue))
		}
	}
	frame := f.frame(followersByPeriodSQL)
	frame.Meta.Custom = followersMeta(p, cmp, hasCmp, q.Accounts)
	return data.Frames{frame}, nil
}

// followerTrendSeries are the trend's series, in field order.
var followerTrendSeries = []struct {
	name, display string
	value         func(followerCounts) int64
}{
	{"new_followers", "New followers", func(c followerCounts) int64 { return c.New.Followers }},
	{"active_followers", "Active followers", func(c followerCounts) int64 { return c.Active.Followers }},
	{"total_followers", "Total followers", func(c followerCounts) int64 { return c.Total().Followers }},
}

// followersTrend applies the follower definitions to each bucket as its own period (total: the
// followers at the bucket's end). The comparison's buckets are drawn on the current buckets'
// times, so a panel can overlay the two. Per account, every account of A gets its own series.
func (e *Engine) followersTrend(ctx context.Context, q FollowersQuery, p Period, interval time.Duration) (data.Frames, error) {
	tr, err := e.shop.newTrend(p, q.Comparison, q.Bucket, interval)
	if err != nil {
		return nil, err
	}
	buckets, hasCmp, cmp := tr.Buckets, tr.HasComparison, tr.Comparison
	// The range's buckets and the comparison's: two statements, side by side (apart). Each
	// merges the follows into islands again (about 0.8 s at 1M customers), but the viewers of
	// each day, most of the work, are grouped on their own core: 2.7 -> 2.0 s at 1M.
	lists := [][]Period{tr.Buckets}
	if len(tr.Previous) > 0 {
		lists = append(lists, tr.Previous)
	}
	parts, _, err := apart(ctx, len(lists), func(ctx context.Context, i int) ([]followerSeries, string, error) {
		s, err := e.followerCountsFor(ctx, lists[i], q.Accounts, q.PerAccount)
		return s, followersTrendSQL, err
	})
	if err != nil {
		return nil, err
	}
	series := parts[0]
	if len(parts) > 1 {
		series = appendFollowerCounts(parts[0], parts[1], len(tr.Previous))
	}
	f := newFrameBuilder("followers_trend")
	ts := f.time("time", "Time")
	for _, b := range buckets {
		ts.Append(b.From)
	}
	for _, s := range series {
		var labels data.Labels
		suffix, prevSuffix := "", " (previous)"
		if q.PerAccount {
			labels = data.Labels{"account": s.Name, "account_id": s.ID}
			suffix, prevSuffix = " ("+s.Name+")", " ("+s.Name+", previous)"
		}
		for _, g := range followerTrendSeries {
			cur := f.int(g.name, g.display+suffix, "short")
			cur.Labels = labels
			for i := range buckets {
				cur.Append(g.value(s.Counts[i]))
			}
		}
		if !hasCmp {
			continue
		}
		for _, g := range followerTrendSeries {
			prev := f.nullableInt(g.name+"_previous", g.display+prevSuffix, "short")
			prev.Labels = labels
			for i := range buckets {
				// Buckets of a comparison period of unequal length (DST, months) may not pair
				// up: unpaired current buckets get nulls.
				if tr.Paired(i) {
					v := g.value(s.Counts[len(buckets)+i])
					prev.Append(&v)
				} else {
					prev.Append(nil)
				}
			}
		}
	}
	frame := f.frame(followersTrendSQL)
	frame.Meta.PreferredVisualization = data.VisTypeGraph
	frame.Meta.Custom = followersMeta(p, cmp, hasCmp, q.Accounts)
	return data.Frames{frame}, nil
}

// appendFollowerCounts appends to each series of cur the counts of the same account set in prev
// (n periods each), matched by account id. The two come from separate transactions: an account
// found in only one of them (added in between) counts nothing in the other.
func appendFollowerCounts(cur, prev []followerSeries, n int) []followerSeries {
	byID := make(map[string][]followerCounts, len(prev))
	for _, s := range prev {
		byID[s.ID] = s.Counts
	}
	out := make([]followerSeries, len(cur))
	for i, s := range cur {
		p, ok := byID[s.ID]
		if !ok {
			p = make([]followerCounts, n)
		}
		out[i] = followerSeries{ID: s.ID, Name: s.Name, Counts: append(append([]followerCounts{}, s.Counts...), p...)}
	}
	return out
}

// followersMeta records the ranges and the account set a frame covers, for the query inspector.
func followersMeta(p, cmp Period, hasCmp bool, accounts []string) map[string]string {
	m := periodsMeta(p, cmp, hasCmp)
	m["accounts"] = "all"
	if len(accounts) > 0 {
		m["accounts"] = strings.Join(accounts, ", ")
	}
	return m
}
