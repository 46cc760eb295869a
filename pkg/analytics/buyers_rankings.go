package analytics

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/requestshare"
)

var (
	buyersChannelsSQL = statementTwoWays("buyers_channels")
	buyersProductsSQL = statementTwoWays("buyers_products")
	orderIDSpanSQL    = statement("order_id_span")
	orderIDRangeSQL   = statement("order_id_range")
	// A buyers profile by a customer column runs the statement of them all (profileColumns); the
	// social dimensions have one each.
	buyersProfileColumnsSQL = expandTwoWays("buyers_profile", profileColumns)
	buyersProfileSQL        = profileStatements("buyers_profile", "follower_status", "video_preference")
)

const defaultTopN, maxTopN = 10, 1000

func topN(n int) (int, error) {
	switch {
	case n == 0:
		return defaultTopN, nil
	case n < 0 || n > maxTopN:
		return 0, invalidf("top N %d is out of range: use 1 to %d", n, maxTopN)
	}
	return n, nil
}

func rankBy(s string) (string, error) {
	switch s {
	case "", "all":
		return "all", nil
	case "new", "repeat":
		return s, nil
	}
	return "", invalidf("rank by %q: use all, new or repeat", s)
}

// buyersChannels ranks LIVEs and videos by the revenue they brought from new and repeat buyers.
// The figures of every content of the period come from one statement that the request's
// channel queries of the same period share (a dashboard's LIVE, video and repeat-revenue
// rankings read it once); each query then keeps its kind and ranks in Go.
func (e *Engine) buyersChannels(ctx context.Context, q BuyersQuery, p Period) (data.Frames, error) {
	n, by, err := rankingOptions(q)
	if err != nil {
		return nil, err
	}
	if q.ContentKind != "" && q.ContentKind != "live" && q.ContentKind != "video" {
		return nil, invalidf("content kind %q: use live, video or leave it empty for both", q.ContentKind)
	}
	// The look-back start follows from the period and the engine's shop settings.
	key := fmt.Sprintf("buyers_channels\x00%p\x00%d\x00%d", e, p.From.UnixNano(), p.To.UnixNano())
	all, err := requestshare.Do(ctx, key, func(ctx context.Context) (contentFigures, error) {
		return e.contentFigures(ctx, p)
	})
	if err != nil {
		return nil, explain("buyers channels", err)
	}
	var ranked []contentRow
	for _, r := range all.rows {
		if q.ContentKind == "" || r.kind == q.ContentKind {
			ranked = append(ranked, r)
		}
	}
	// Stable: ties keep the statement's content id order.
	sort.SliceStable(ranked, func(i, j int) bool { return ranked[i].rankValue(by) > ranked[j].rankValue(by) })
	if len(ranked) > n {
		ranked = ranked[:n]
	}

	money := e.shop.MoneyUnit()
	f := newFrameBuilder("buyers_channels")
	ids, titles, kinds, accounts := f.str("content_id", "Content id"), f.str("title", "Title"), f.str("kind", "Kind"), f.str("account", "Account")
	newRevenue := f.float("new_revenue", "Revenue from new buyers", money)
	repeatRevenue := f.float("repeat_revenue", "Revenue from repeat buyers", money)
	revenue := f.float("revenue", "Revenue", money)
	newBuyers := f.int("new_buyers", "New buyers", "short")
	repeatBuyers := f.int("repeat_buyers", "Repeat buyers", "short")
	buyers := f.int("buyers", "Buyers", "short")
	for _, r := range ranked {
		ids.Append(r.id)
		titles.Append(r.title)
		kinds.Append(r.kind)
		accounts.Append(r.account)
		newRevenue.Append(r.newRevenue)
		repeatRevenue.Append(r.repeatRevenue)
		revenue.Append(r.revenue)
		newBuyers.Append(r.newBuyers)
		repeatBuyers.Append(r.repeatBuyers)
		buyers.Append(r.buyers)
	}
	return data.Frames{f.frame(all.sql)}, nil
}

// contentFigures are the channel figures of every content of a period, in content id order, with
// the statement that computed them.
type contentFigures struct {
	rows []contentRow
	sql  string
}

type contentRow struct {
	id, title, kind, account           string
	newRevenue, repeatRevenue, revenue float64
	newBuyers, repeatBuyers, buyers    int64
}

func (r contentRow) rankValue(by string) float64 {
	switch by {
	case "new":
		return r.newRevenue
	case "repeat":
		return r.repeatRevenue
	}
	return r.revenue
}

func (e *Engine) contentFigures(ctx context.Context, p Period) (contentFigures, error) {
	var out contentFigures
	err := e.db.Read(ctx, func(tx database.Tx) error {
		var err error
		if out.sql, err = buyersChannelsSQL.pickOne(ctx, tx, p); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, out.sql, p.From, p.To, e.lookback(p.From))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r contentRow
			if err := rows.Scan(&r.id, &r.title, &r.kind, &r.account, &r.newRevenue, &r.repeatRevenue, &r.revenue,
				&r.newBuyers, &r.repeatBuyers, &r.buyers); err != nil {
				return err
			}
			out.rows = append(out.rows, r)
		}
		return rows.Err()
	})
	return out, err
}

// buyersProducts ranks products by the revenue of their order lines from new and repeat buyers.
func (e *Engine) buyersProducts(ctx context.Context, q BuyersQuery, p Period) (data.Frames, error) {
	n, by, err := rankingOptions(q)
	if err != nil {
		return nil, err
	}
	money := e.shop.MoneyUnit()
	// The fields in the statement's column order: appendRows fills them.
	f := newFrameBuilder("buyers_products")
	f.str("product_id", "Product id")
	f.str("product", "Product")
	f.str("category", "Category")
	f.int("units", "Units sold", "short")
	f.float("new_revenue", "Revenue from new buyers", money)
	f.float("repeat_revenue", "Revenue from repeat buyers", money)
	f.float("revenue", "Revenue", money)
	f.int("new_buyers", "New buyers", "short")
	f.int("repeat_buyers", "Repeat buyers", "short")
	f.int("buyers", "Buyers", "short")
	var sql string
	err = e.db.Read(ctx, func(tx database.Tx) error {
		var err error
		if sql, err = buyersProductsSQL.pickOne(ctx, tx, p); err != nil {
			return err
		}
		ids, err := narrowOrderIDs(ctx, tx, p)
		if err != nil {
			return err
		}
		// The period's order lines are found by their orders' ids: PostgreSQL's costs prefer
		// hashing the orders against a scan of every order line of the shop (17.9M at 1M
		// customers), where looking each order up in order_items_order_id reads only the period's
		// (docs/performance.md, ninth round). SET LOCAL: for this statement's transaction only.
		if sql == buyersProductsSQL.history {
			if err := withoutHashJoins(ctx, tx); err != nil {
				return err
			}
			// With the period's id range the lines are one ordered read of that range, merged
			// with the orders on one core: as fast alone as the lookups on three processes, and
			// a third of their CPU beside a dashboard's other panels (twenty-first round).
			// Parallel workers would each read the whole range again.
			if ids.lo != nil {
				if _, err := tx.Exec(ctx, "SET LOCAL max_parallel_workers_per_gather = 0"); err != nil {
					return err
				}
			}
		}
		rows, err := tx.Query(ctx, sql, p.From, p.To, e.lookback(p.From), by, n, ids.lo, ids.hi)
		if err != nil {
			return err
		}
		defer rows.Close()
		return f.appendRows(rows)
	})
	if err != nil {
		return nil, explain("buyers products", err)
	}
	return data.Frames{f.frame(sql)}, nil
}

// orderIDRange is the id range of a period's valid orders, when narrow: nil bounds otherwise.
type orderIDRange struct{ lo, hi *int64 }

// narrowIDShare is the largest share of the shop's order-id span that a period's ids may cover
// for the ranking to read their range: wider, and the range holds most of the order lines, so
// looking up each order is cheaper.
const narrowIDShare = 0.25

// narrowOrderIDs returns the id range of p's valid orders when order ids are integers and the
// range covers at most narrowIDShare of the shop's span, as in a shop that numbers its orders as
// they come. It costs one scan of the period's index entries (0.1 s for a month of the 1M shop),
// only for a period within narrowIDShare of the shop's sampled time. Text or uuid ids, a shop
// never analysed, a long period and ids in no time order give no range: the statement then runs
// as it did before.
func narrowOrderIDs(ctx context.Context, tx database.Tx, p Period) (orderIDRange, error) {
	var integral bool
	var lowest, highest *int64
	var first, last *time.Time
	if err := tx.QueryRow(ctx, orderIDSpanSQL).Scan(&integral, &lowest, &highest, &first, &last); err != nil {
		return orderIDRange{}, fmt.Errorf("order id span: %w", err)
	}
	if !integral || lowest == nil || highest == nil || *highest <= *lowest || first == nil || last == nil || !last.After(*first) {
		return orderIDRange{}, nil
	}
	// The period's share of the sampled time: ids that grow with time span about as much.
	from, to := p.From, p.To
	if from.Before(*first) {
		from = *first
	}
	if to.After(*last) {
		to = *last
	}
	if to.Sub(from).Seconds() > narrowIDShare*last.Sub(*first).Seconds() {
		return orderIDRange{}, nil
	}
	var r orderIDRange
	var orders int64
	if err := tx.QueryRow(ctx, orderIDRangeSQL, p.From, p.To).Scan(&r.lo, &r.hi, &orders); err != nil {
		return orderIDRange{}, fmt.Errorf("order id range: %w", err)
	}
	// float64: the differences of two int64 ids can overflow int64.
	if r.lo == nil || float64(*r.hi)-float64(*r.lo) > narrowIDShare*(float64(*highest)-float64(*lowest)) {
		return orderIDRange{}, nil
	}
	return r, nil
}

// rankingOptions validates a ranking's top N and rank-by group.
func rankingOptions(q BuyersQuery) (n int, by string, err error) {
	if n, err = topN(q.TopN); err != nil {
		return 0, "", err
	}
	by, err = rankBy(q.RankBy)
	return n, by, err
}

func group(s string) (string, error) {
	switch s {
	case "", "all":
		return "all", nil
	case "new", "repeat":
		return s, nil
	}
	return "", invalidf("group %q: use all, new or repeat", s)
}

// buyersProfile describes the period's new, repeat or all buyers by one dimension.
func (e *Engine) buyersProfile(ctx context.Context, q BuyersQuery, p Period) (data.Frames, error) {
	g, err := group(q.Group)
	if err != nil {
		return nil, err
	}
	dim, ok := profileDimensions[q.Dimension]
	sql, social := buyersProfileSQL[q.Dimension]
	if !ok || !social && !dim.isColumn() {
		return nil, invalidf("buyers profile: unknown dimension %q: use one of %s", q.Dimension, dimensionNames(buyersProfileSQL, profileColumns.Columns...))
	}
	args := []any{p.From, p.To, e.lookback(p.From), g, e.refYear(p), e.shop.DevicePriceEdges}
	if dim.isColumn() {
		// One statement counts the group by every customer column, shared by the request's
		// profiles of the same group and period (the Buyers dashboard's four), each keeping its
		// own. The customer rows merge-joined in customer order: the hash join PostgreSQL's costs
		// prefer builds a table of every customer of the shop (docs/performance.md, ninth round).
		key := fmt.Sprintf("buyers_profile\x00%p\x00%d\x00%d\x00%s", e, p.From.UnixNano(), p.To.UnixNano(), g)
		res, err := requestshare.Do(ctx, key, func(ctx context.Context) (profileCounts, error) {
			return e.queryProfile(ctx, "buyers profile", buyersProfileColumnsSQL, p, profileColumns, true, args...)
		})
		if err != nil {
			return nil, err
		}
		return data.Frames{e.profileFrame("buyers_profile", dim, res.counts[dim.Name], res.sql)}, nil
	}
	// The social dimensions read no customer row: follower status tests the period's follower
	// sets (hashed once), video preference joins the group's views.
	f, err := e.runProfile(ctx, "buyers profile", "buyers_profile", sql, p, dim, false, args...)
	if err != nil {
		return nil, err
	}
	return data.Frames{f}, nil
}

// refYear is the year ages are counted to: the year, in shop time, of the period's last instant.
func (e *Engine) refYear(p Period) int {
	return p.To.Add(-1).In(e.shop.Location).Year()
}
