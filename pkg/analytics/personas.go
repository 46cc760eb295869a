package analytics

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/requestshare"
)

// PersonasQuery is the query model of query type "personas" (the RFM persona dashboard of seed 004).
type PersonasQuery struct {
	// View is the figure set: revenue (default, revenue by persona), by_stage (personas by
	// lifecycle stage), breakdown (the segment breakdown by persona) or scores (the RFM score
	// distribution).
	View string `json:"view"`
	// Metric keeps only this field of the breakdown (with the persona), for a bar chart; optional.
	Metric string `json:"metric"`
}

// The personas views.
const (
	PersonasRevenue   = "revenue"
	PersonasByStage   = "by_stage"
	PersonasBreakdown = "breakdown"
	PersonasScores    = "scores"
)

// personas are the names of the R×F grid's cells, in display order (best first).
var personas = []string{
	"Champions", "Loyal customers", "Potential loyalists", "New customers", "Promising",
	"Need attention", "About to sleep", "At risk", "Can't lose them", "Hibernating",
}

// lifecycleStages are the recency tertiles, most recent first.
var lifecycleStages = []string{"Active", "Lapsing", "Inactive"}

var (
	personasSQL  = segmentStatement("segments_personas", segmentSQL{})
	rfmScoresSQL = segmentStatement("segments_rfm_scores", segmentSQL{Apart: true})
)

// Persona names the persona of recency score r and frequency score f on a scale of 1..scale.
// On the usual 5-point scale it is the R×F grid of SPEC §4:
//
//	R 5, F 4–5: Champions            R 3–4, F 4–5: Loyal customers
//	R 4–5, F 2–3: Potential loyalists R 5, F 1: New customers   R 4, F 1: Promising
//	R 3, F 3: Need attention          R 3, F 1–2: About to sleep
//	R 1–2, F 3–4: At risk             R 1–2, F 5: Can't lose them  R 1–2, F 1–2: Hibernating
//
// Other scales first map each score onto the 5-point grid (onFiveGrid).
func Persona(r, f, scale int) string {
	r, f = onFiveGrid(r, scale), onFiveGrid(f, scale)
	switch {
	case r == 5 && f >= 4:
		return "Champions"
	case r >= 3 && f >= 4:
		return "Loyal customers"
	case r >= 4 && f >= 2:
		return "Potential loyalists"
	case r == 5:
		return "New customers"
	case r == 4:
		return "Promising"
	case r == 3 && f == 3:
		return "Need attention"
	case r == 3:
		return "About to sleep"
	case f == 5:
		return "Can't lose them"
	case f >= 3:
		return "At risk"
	}
	return "Hibernating"
}

// onFiveGrid maps score k of 1..scale onto 1..5 proportionally: to the 5-point cell that holds the
// middle of the score's quantile range, ceil((k − ½) × 5 / scale). On 5 it is k; on 10, 1–2 → 1,
// 3–4 → 2, …; on 3, 1 → 1, 2 → 3, 3 → 5.
func onFiveGrid(k, scale int) int {
	return ((2*k-1)*5 + 2*scale - 1) / (2 * scale)
}

// personaGrid lists the persona of every (r, f) cell of a scale, at (r − 1) × scale + f − 1: the
// statements look personas up in it (bound, never spliced into SQL).
func personaGrid(scale int) []string {
	out := make([]string, 0, scale*scale)
	for r := 1; r <= scale; r++ {
		for f := 1; f <= scale; f++ {
			out = append(out, Persona(r, f, scale))
		}
	}
	return out
}

// Personas answers query type "personas": the customers as of the period's end by RFM persona.
func (e *Engine) Personas(ctx context.Context, q PersonasQuery, p Period) (data.Frames, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	switch q.View {
	case "", PersonasRevenue:
		return e.personasRevenue(ctx, p)
	case PersonasByStage:
		return e.personasByStage(ctx, p)
	case PersonasBreakdown:
		return e.segmentBreakdown(ctx, customerDimensions["persona"], q.Metric, p)
	case PersonasScores:
		return e.rfmScores(ctx, p)
	}
	return nil, invalidf("personas: unknown view %q: use revenue, by_stage, breakdown or scores", q.View)
}

// personaCell is the customers of one persona (in one stage, or in all), with their valid orders
// and revenue.
type personaCell struct {
	customers, orders int64
	revenue           float64
}

// personaFigures is what the personas statement answers: each persona in all stages and in each.
type personaFigures struct {
	all     map[string]personaCell
	byStage map[[2]string]personaCell
	sql     string
}

// personaFigures runs the personas statement, shared by the request's revenue and by-stage views
// of one period (the personas dashboard's two panels read it once).
func (e *Engine) personaFigures(ctx context.Context, p Period) (personaFigures, error) {
	key := fmt.Sprintf("personas\x00%p\x00%d\x00%d", e, p.From.UnixNano(), p.To.UnixNano())
	return requestshare.Do(ctx, key, func(ctx context.Context) (personaFigures, error) {
		pf := personaFigures{all: map[string]personaCell{}, byStage: map[[2]string]personaCell{}}
		err := e.db.Read(ctx, func(tx database.Tx) error {
			rs, ran, err := e.queryMerged(ctx, tx, personasSQL, e.dimensionArgs(p)...)
			pf.sql = ran
			if err != nil {
				return err
			}
			defer rs.Close()
			for rs.Next() {
				var persona, stage string
				var stages int32
				var c personaCell
				if err := rs.Scan(&persona, &stage, &stages, &c.customers, &c.orders, &c.revenue); err != nil {
					return err
				}
				if stages == 1 {
					pf.all[persona] = c
				} else {
					pf.byStage[[2]string{persona, stage}] = c
				}
			}
			return rs.Err()
		})
		if err != nil {
			return personaFigures{}, explain("personas", err)
		}
		return pf, nil
	})
}

// personasRevenue is the revenue-by-persona table: every persona, even at 0 customers.
func (e *Engine) personasRevenue(ctx context.Context, p Period) (data.Frames, error) {
	pf, err := e.personaFigures(ctx, p)
	if err != nil {
		return nil, err
	}
	// Summed in the grid's order, not the map's, so the shares' denominator is the same float
	// every time.
	var total float64
	for _, n := range personas {
		total += pf.all[n].revenue
	}
	money := e.shop.MoneyUnit()
	f := newFrameBuilder("personas_revenue")
	name := f.str("persona", "Persona")
	customers := f.int("customers", "Customers", "short")
	revenue := f.float("revenue", "Revenue", money)
	share := f.ratio("revenue_share", "% of revenue", "percentunit")
	clv := f.ratio("avg_clv", "Avg. CLV", money)
	orders := f.ratio("avg_orders", "Avg. orders", "short")
	aov := f.ratio("aov", "AOV", money)
	for _, n := range personas {
		r := pf.all[n]
		name.Append(n)
		customers.Append(r.customers)
		revenue.Append(r.revenue)
		share.Append(ratio(r.revenue, total))
		clv.Append(ratio(r.revenue, float64(r.customers)))
		orders.Append(ratio(float64(r.orders), float64(r.customers)))
		aov.Append(ratio(r.revenue, float64(r.orders)))
	}
	return data.Frames{e.asOfFrame(f, pf.sql, p)}, nil
}

// personasByStage positions the personas on the lifecycle stages: a long table of every persona
// and stage (even at 0) with its customers.
func (e *Engine) personasByStage(ctx context.Context, p Period) (data.Frames, error) {
	pf, err := e.personaFigures(ctx, p)
	if err != nil {
		return nil, err
	}
	f := newFrameBuilder("personas_by_stage")
	name := f.str("persona", "Persona")
	stage := f.str("stage", "Lifecycle stage")
	customers := f.int("customers", "Customers", "short")
	for _, n := range personas {
		for _, s := range lifecycleStages {
			name.Append(n)
			stage.Append(s)
			customers.Append(pf.byStage[[2]string{n, s}].customers)
		}
	}
	return data.Frames{e.asOfFrame(f, pf.sql, p)}, nil
}

// rfmScores is the distribution of the customers over every (r, f, m) score, even at 0.
func (e *Engine) rfmScores(ctx context.Context, p Period) (data.Frames, error) {
	n := e.shop.RFMScale
	counts := map[[3]int64]int64{}
	var total int64
	var sql string
	err := e.db.Read(ctx, func(tx database.Tx) error {
		rs, ran, err := e.queryMerged(ctx, tx, rfmScoresSQL, e.dimensionArgs(p)...)
		sql = ran
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var k [3]int64
			var c int64
			if err := rs.Scan(&k[0], &k[1], &k[2], &c); err != nil {
				return err
			}
			counts[k] = c
			total += c
		}
		return rs.Err()
	})
	if err != nil {
		return nil, explain("RFM scores", err)
	}
	f := newFrameBuilder("rfm_scores")
	r := f.int("r", "Recency score", "none")
	fr := f.int("f", "Frequency score", "none")
	m := f.int("m", "Monetary score", "none")
	persona := f.str("persona", "Persona")
	customers := f.int("customers", "Customers", "short")
	share := f.ratio("share", "Share of customers", "percentunit")
	for i := int64(1); i <= int64(n); i++ {
		for j := int64(1); j <= int64(n); j++ {
			for k := int64(1); k <= int64(n); k++ {
				c := counts[[3]int64{i, j, k}]
				r.Append(i)
				fr.Append(j)
				m.Append(k)
				persona.Append(Persona(int(i), int(j), n))
				customers.Append(c)
				share.Append(ratio(float64(c), float64(total)))
			}
		}
	}
	return data.Frames{e.asOfFrame(f, sql, p)}, nil
}

// asOfFrame finishes a frame of dimensions as of the period's end, recording that moment.
func (e *Engine) asOfFrame(f *frameBuilder, sql string, p Period) *data.Frame {
	frame := f.frame(sql)
	frame.Meta.Custom = map[string]string{"as_of": p.To.In(e.shop.Location).Format(time.RFC3339), "rfm_scale": strconv.Itoa(e.shop.RFMScale)}
	return frame
}
