package analytics

import (
	"context"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/requestshare"
)

// ValueBandsQuery is the query model of query type "value_bands": the customer-value snapshot of
// seed 003 (each customer's AOV against the shop's).
type ValueBandsQuery struct {
	// View is snapshot (default: contacts or revenue per band) or breakdown (the segment
	// breakdown by value band).
	View string `json:"view"`
	// Measure is what the snapshot counts: contacts (default) or revenue.
	Measure string `json:"measure"`
	// Metric keeps only this field of the breakdown (with the band), for a bar chart; optional.
	Metric string `json:"metric"`
}

// The value-bands views and measures.
const (
	ValueBandsSnapshot  = "snapshot"
	ValueBandsBreakdown = "breakdown"
	MeasureContacts     = "contacts"
	MeasureRevenue      = "revenue"
)

var valueBandsSQL = segmentStatement("segments_value_bands", segmentSQL{})

// ValueBands answers query type "value_bands" for the contacts as of the period's end.
func (e *Engine) ValueBands(ctx context.Context, q ValueBandsQuery, p Period) (data.Frames, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	switch q.View {
	case "", ValueBandsSnapshot:
		return e.valueBandsSnapshot(ctx, q, p)
	case ValueBandsBreakdown:
		return e.segmentBreakdown(ctx, customerDimensions["value_band"], q.Metric, p)
	}
	return nil, invalidf("value bands: unknown view %q: use snapshot or breakdown", q.View)
}

// valueBandsSnapshot answers the contacts or the revenue of each band (low, medium, high, very
// high, then lead) with its share of all contacts or of all revenue.
func (e *Engine) valueBandsSnapshot(ctx context.Context, q ValueBandsQuery, p Period) (data.Frames, error) {
	switch q.Measure {
	case "", MeasureContacts, MeasureRevenue:
	default:
		return nil, invalidf("value bands: unknown measure %q: use contacts or revenue", q.Measure)
	}
	key := fmt.Sprintf("value_bands\x00%p\x00%d\x00%d", e, p.From.UnixNano(), p.To.UnixNano())
	vb, err := requestshare.Do(ctx, key, func(ctx context.Context) (valueBandFigures, error) {
		return e.valueBandFigures(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	contacts, revenue, allContacts, allRevenue, sql := vb.contacts, vb.revenue, vb.allContacts, vb.allRevenue, vb.sql
	f := newFrameBuilder("value_bands")
	band := f.str("value_band", "Customer value")
	if q.Measure == MeasureRevenue {
		amount := f.float("revenue", "Total revenue", e.shop.MoneyUnit())
		share := f.ratio("share", "Share of revenue", "percentunit")
		for _, b := range valueBands {
			band.Append(b)
			amount.Append(revenue[b])
			share.Append(ratio(revenue[b], allRevenue))
		}
	} else {
		count := f.int("contacts", "Total contacts", "short")
		share := f.ratio("share", "Share of contacts", "percentunit")
		for _, b := range valueBands {
			band.Append(b)
			count.Append(contacts[b])
			share.Append(ratio(float64(contacts[b]), float64(allContacts)))
		}
	}
	return data.Frames{e.asOfFrame(f, sql, p)}, nil
}

// valueBandFigures is what the value bands statement answers: contacts and revenue per band.
type valueBandFigures struct {
	contacts    map[string]int64
	revenue     map[string]float64
	allContacts int64
	allRevenue  float64
	sql         string
}

// valueBandFigures runs the value bands statement. The request's snapshots of one period share
// it, whatever they measure (a dashboard's contacts and revenue panels read it once).
func (e *Engine) valueBandFigures(ctx context.Context, p Period) (valueBandFigures, error) {
	vb := valueBandFigures{contacts: map[string]int64{}, revenue: map[string]float64{}}
	err := e.db.Read(ctx, func(tx database.Tx) error {
		rs, ran, err := e.queryMerged(ctx, tx, valueBandsSQL, e.dimensionArgs(p)...)
		vb.sql = ran
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var band string
			var n int64
			var r float64
			if err := rs.Scan(&band, &n, &r); err != nil {
				return err
			}
			vb.contacts[band], vb.revenue[band] = n, r
			vb.allContacts += n
			vb.allRevenue += r
		}
		return rs.Err()
	})
	if err != nil {
		return valueBandFigures{}, explain("value bands", err)
	}
	return vb, nil
}
