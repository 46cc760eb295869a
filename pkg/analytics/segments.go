package analytics

import (
	"context"
	"fmt"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"golang.org/x/sync/errgroup"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/requestshare"
)

// SegmentsQuery is the query model of query type "segments": the contacts as of the period's end
// split by customer dimensions (seeds 002–004, SPEC §4 "Segment breakdown").
type SegmentsQuery struct {
	// View is breakdown (default: every figure per value of Dimension) or matrix (contacts per
	// pair of values of Dimension and Dimension2).
	View string `json:"view"`
	// Dimension is the dimension split by (customerDimensions).
	Dimension string `json:"dimension"`
	// Dimension2 is the matrix's second dimension, different from Dimension.
	Dimension2 string `json:"dimension2"`
	// Metric keeps only this field (with the dimension's), for a bar chart; optional.
	Metric string `json:"metric"`
}

// The segments views.
const (
	SegmentsBreakdown = "breakdown"
	SegmentsMatrix    = "matrix"
)

var (
	// segmentBreakdownSQL is the breakdown statement of each dimension.
	segmentBreakdownSQL = func() map[string]twoWays {
		out := map[string]twoWays{}
		for name, d := range customerDimensions {
			out[name] = segmentStatement("segments_breakdown", segmentSQL{Dim: d, Attempted: true, Annual: true})
		}
		return out
	}()
	// segmentValuesSQL lists the values of each dimension with their contacts.
	segmentValuesSQL = func() map[string]twoWays {
		out := map[string]twoWays{}
		for name, d := range customerDimensions {
			out[name] = segmentStatement("segments_values", segmentSQL{Dim: d})
		}
		return out
	}()
	// segmentMatrixSQL is the matrix statement of each ordered pair of different dimensions.
	segmentMatrixSQL = func() map[[2]string]twoWays {
		out := map[[2]string]twoWays{}
		for n1, d1 := range customerDimensions {
			for n2, d2 := range customerDimensions {
				if n1 != n2 {
					out[[2]string{n1, n2}] = segmentStatement("segments_matrix", segmentSQL{Dim: d1, Dim2: d2})
				}
			}
		}
		return out
	}()
)

// Segments answers query type "segments" for the contacts as of the period's end.
func (e *Engine) Segments(ctx context.Context, q SegmentsQuery, p Period) (data.Frames, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	switch q.View {
	case "", SegmentsBreakdown:
		d, err := customerDimensionOf(q.Dimension)
		if err != nil {
			return nil, err
		}
		return e.segmentBreakdown(ctx, d, q.Metric, p)
	case SegmentsMatrix:
		return e.segmentMatrix(ctx, q, p)
	}
	return nil, invalidf("segments: unknown view %q: use breakdown or matrix", q.View)
}

// segmentRow holds the sums of one value of a breakdown, as the statement answers them.
type segmentRow struct {
	contacts, customers, repeat, oneTime, orders, attempted int64
	revenue                                                 float64
	annualOrders                                            int64
	annualRevenue                                           float64
	lapsed                                                  int64
	recency, firstDelay, secondDelay                        *float64
}

// segmentFigures is what a breakdown's statement and predictions answer for one dimension and
// period, before a query's metric picks its fields.
type segmentFigures struct {
	rows      map[string]segmentRow
	sizes     map[string]int64
	all       segmentRow
	predicted map[string]*segmentForecast
	notice    string
	sql       string
}

// segmentBreakdown answers every figure of the segment breakdown for each value of d. Rates and
// averages divide the value's sums; shares are of all contacts and of all revenue. The figures
// are shared by the request's breakdowns of the same dimension and period, whatever their metric
// (a dashboard's table and bar chart of one breakdown read them once).
func (e *Engine) segmentBreakdown(ctx context.Context, d customerDimension, metric string, p Period) (data.Frames, error) {
	key := fmt.Sprintf("segments_breakdown\x00%p\x00%s\x00%d\x00%d", e, d.Name, p.From.UnixNano(), p.To.UnixNano())
	fig, err := requestshare.Do(ctx, key, func(ctx context.Context) (segmentFigures, error) {
		return e.segmentFigures(ctx, d, p)
	})
	if err != nil {
		return nil, err
	}
	rows, all, predicted := fig.rows, fig.all, fig.predicted
	money := e.shop.MoneyUnit()
	f := newFrameBuilder("segments_breakdown")
	value := f.str(d.Name, d.label)
	contacts := f.int("contacts", "Contacts", "short")
	customers := f.int("customers", "Customers", "short")
	repeat := f.int("repeat_customers", "Repeat customers", "short")
	oneTime := f.int("one_time_customers", "One-time customers", "short")
	orders := f.int("orders", "Total orders", "short")
	attempted := f.int("orders_attempted", "Orders attempted", "short")
	revenue := f.float("revenue", "Total CLV", money)
	avgCLV := f.ratio("avg_clv", "Average CLV", money)
	avgOrders := f.ratio("avg_orders", "Average orders", "short")
	aov := f.ratio("aov", "Average order value", money)
	conversion := f.ratio("conversion_rate", "Contact conversion rate", "percentunit")
	repeatRate := f.ratio("repeat_rate", "Customer repeat rate", "percentunit")
	recency := f.ratio("avg_recency", "Average recency", "d")
	firstDelay := f.ratio("avg_first_order_delay", "Average first-order delay", "d")
	secondDelay := f.ratio("avg_second_order_delay", "Average second-order delay", "d")
	contactShare := f.ratio("contact_share", "Share of contacts", "percentunit")
	revenueShare := f.ratio("revenue_share", "Share of revenue", "percentunit")
	annualOrders := f.ratio("annual_orders", "Annual orders per customer", "short")
	annualRevenue := f.ratio("annual_revenue", "Annual revenue per customer", money)
	lost := f.ratio("lost_share", "Lost", "percentunit")
	predictedCLV := f.ratio("predicted_clv", "Predicted CLV", money)
	predictedRevenue := f.ratio("predicted_revenue", "Predicted revenue", money)
	for _, v := range e.shop.orderValues(d, fig.sizes) {
		r := rows[v]
		value.Append(v)
		contacts.Append(r.contacts)
		customers.Append(r.customers)
		repeat.Append(r.repeat)
		oneTime.Append(r.oneTime)
		orders.Append(r.orders)
		attempted.Append(r.attempted)
		revenue.Append(r.revenue)
		avgCLV.Append(ratio(r.revenue, float64(r.customers)))
		avgOrders.Append(ratio(float64(r.orders), float64(r.customers)))
		aov.Append(ratio(r.revenue, float64(r.orders)))
		conversion.Append(ratio(float64(r.customers), float64(r.contacts)))
		repeatRate.Append(ratio(float64(r.repeat), float64(r.customers)))
		recency.Append(r.recency)
		firstDelay.Append(r.firstDelay)
		secondDelay.Append(r.secondDelay)
		contactShare.Append(ratio(float64(r.contacts), float64(all.contacts)))
		revenueShare.Append(ratio(r.revenue, all.revenue))
		annualOrders.Append(ratio(float64(r.annualOrders), float64(r.customers)))
		annualRevenue.Append(ratio(r.annualRevenue, float64(r.customers)))
		lost.Append(ratio(float64(r.lapsed), float64(r.customers)))
		if predicted == nil {
			predictedCLV.Append(nil)
			predictedRevenue.Append(nil)
		} else {
			s := predicted[v]
			if s == nil {
				s = &segmentForecast{}
			}
			predictedCLV.Append(ratio(s.value, float64(s.customers)))
			predictedRevenue.Append(&s.value)
		}
	}
	frame := e.asOfFrame(f, fig.sql, p)
	addNotice(frame, fig.notice)
	if err := onlyMetric(frame, metric); err != nil {
		return nil, err
	}
	return data.Frames{frame}, nil
}

// segmentFigures runs the breakdown statement of d and, alongside, the predicted CLV of its values.
func (e *Engine) segmentFigures(ctx context.Context, d customerDimension, p Period) (segmentFigures, error) {
	fig := segmentFigures{rows: map[string]segmentRow{}, sizes: map[string]int64{}}
	// Predicted CLV comes from its own statement and the fitted models: run it alongside.
	var g errgroup.Group
	g.Go(func() (err error) {
		fig.predicted, fig.notice, err = e.segmentPredictions(ctx, d, p)
		return err
	})
	err := e.db.Read(ctx, func(tx database.Tx) error {
		rs, ran, err := e.queryMerged(ctx, tx, segmentBreakdownSQL[d.Name], e.dimensionArgs(p)...)
		fig.sql = ran
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var raw string
			var r segmentRow
			if err := rs.Scan(&raw, &r.contacts, &r.customers, &r.repeat, &r.oneTime, &r.orders, &r.attempted,
				&r.revenue, &r.annualOrders, &r.annualRevenue, &r.lapsed, &r.recency, &r.firstDelay, &r.secondDelay); err != nil {
				return err
			}
			v := e.shop.dimensionValue(d, raw)
			fig.rows[v] = r
			fig.sizes[v] = r.contacts
			fig.all.contacts += r.contacts
			fig.all.revenue += r.revenue
		}
		return rs.Err()
	})
	if perr := g.Wait(); err == nil && perr != nil {
		err = perr
	}
	if err != nil {
		return segmentFigures{}, explain("segment breakdown by "+d.label, err)
	}
	return fig, nil
}

// segmentMatrix counts the contacts of every pair of values of two dimensions: a long table. When
// both dimensions are closed sets every pair is listed (even at 0); otherwise the pairs that occur.
func (e *Engine) segmentMatrix(ctx context.Context, q SegmentsQuery, p Period) (data.Frames, error) {
	d1, err := customerDimensionOf(q.Dimension)
	if err != nil {
		return nil, err
	}
	if q.Dimension2 == "" {
		return nil, invalidf("the matrix needs a second dimension (dimension2): one of %s", customerDimensionNames())
	}
	d2, err := customerDimensionOf(q.Dimension2)
	if err != nil {
		return nil, err
	}
	if d1.Name == d2.Name {
		return nil, invalidf("the matrix crosses two different dimensions: %s is chosen twice; pick another second dimension", d1.Name)
	}
	stmt := segmentMatrixSQL[[2]string{d1.Name, d2.Name}]
	var sql string
	counts := map[[2]string]int64{}
	size1, size2 := map[string]int64{}, map[string]int64{}
	var total int64
	err = e.db.Read(ctx, func(tx database.Tx) error {
		rs, ran, err := e.queryMerged(ctx, tx, stmt, e.dimensionArgs(p)...)
		sql = ran
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var r1, r2 string
			var n int64
			if err := rs.Scan(&r1, &r2, &n); err != nil {
				return err
			}
			v1, v2 := e.shop.dimensionValue(d1, r1), e.shop.dimensionValue(d2, r2)
			counts[[2]string{v1, v2}] += n
			size1[v1] += n
			size2[v2] += n
			total += n
		}
		return rs.Err()
	})
	if err != nil {
		return nil, explain("dimension matrix of "+d1.label+" by "+d2.label, err)
	}
	f := newFrameBuilder("segments_matrix")
	col1 := f.str(d1.Name, d1.label)
	col2 := f.str(d2.Name, d2.label)
	contacts := f.int("contacts", "Contacts", "short")
	share := f.ratio("share", "Share of contacts", "percentunit")
	grid := d1.values != nil && d2.values != nil
	for _, v1 := range e.shop.orderValues(d1, size1) {
		for _, v2 := range e.shop.orderValues(d2, size2) {
			n, ok := counts[[2]string{v1, v2}]
			if !ok && !grid {
				continue
			}
			col1.Append(v1)
			col2.Append(v2)
			contacts.Append(n)
			share.Append(ratio(float64(n), float64(total)))
		}
	}
	frame := e.asOfFrame(f, sql, p)
	if err := onlyMetric(frame, q.Metric); err != nil {
		return nil, err
	}
	return data.Frames{frame}, nil
}

// onlyMetric keeps a frame's string fields and its numeric field named metric, so that a bar chart
// shows just that figure; an empty metric keeps every field.
func onlyMetric(f *data.Frame, metric string) error {
	if metric == "" {
		return nil
	}
	var keep []*data.Field
	var numeric []string
	found := false
	for _, fl := range f.Fields {
		switch {
		case fl.Type() == data.FieldTypeString:
			keep = append(keep, fl)
		case fl.Name == metric:
			keep = append(keep, fl)
			found = true
		default:
			numeric = append(numeric, fl.Name)
		}
	}
	if !found {
		return invalidf("unknown metric %q: use one of %s, or leave it empty for every field", metric, strings.Join(numeric, ", "))
	}
	f.Fields = keep
	return nil
}
