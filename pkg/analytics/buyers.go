package analytics

import (
	"context"
	_ "embed"

	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// BuyersQuery is the query model of query type "buyers".
type BuyersQuery struct {
	// View is the figure set: "summary" (default).
	View string `json:"view"`
	// Comparison is the range the figures are compared with (default previous_period).
	Comparison Comparison `json:"comparison"`
}

// The buyers views.
const (
	BuyersSummary = "summary"
)

//go:embed sql/buyers_summary.sql
var buyersSummarySQL string

// BuyerGroup is one row of the buyers summary.
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

// Buyers answers query type "buyers" for period p.
func (e *Engine) Buyers(ctx context.Context, q BuyersQuery, p Period) (data.Frames, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	switch q.View {
	case "", BuyersSummary:
		return e.buyersSummary(ctx, q, p)
	}
	return nil, invalidf("buyers: unknown view %q: use %s", q.View, BuyersSummary)
}

// BuyerCountsFor computes the new and repeat buyers of p and of its comparison range cmp (ok false:
// none).
func (e *Engine) BuyerCountsFor(ctx context.Context, p, cmp Period, hasCmp bool) (cur, prev BuyerCounts, err error) {
	if !hasCmp {
		cmp = Period{From: p.From, To: p.From}
	}
	args := []any{p.From, p.To, e.lookback(p.From), cmp.From, cmp.To, e.lookback(cmp.From)}
	err = e.db.Read(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, buyersSummarySQL, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var period string
			var repeat bool
			var g BuyerGroup
			if err := rows.Scan(&period, &repeat, &g.Buyers, &g.Revenue); err != nil {
				return err
			}
			c := &cur
			if period == "previous" {
				c = &prev
			}
			if repeat {
				c.Repeat = g
			} else {
				c.New = g
			}
		}
		return rows.Err()
	})
	if err != nil {
		return cur, prev, explain("buyers", err)
	}
	return cur, prev, nil
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
	cmp, hasCmp, err := e.shop.Compare(p, q.Comparison)
	if err != nil {
		return nil, err
	}
	cur, prev, err := e.BuyerCountsFor(ctx, p, cmp, hasCmp)
	if err != nil {
		return nil, err
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
	frame := f.frame(buyersSummarySQL)
	frame.Meta.Custom = periodsMeta(p, cmp, hasCmp)
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
