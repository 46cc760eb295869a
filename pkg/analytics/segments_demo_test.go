package analytics_test

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// dimensionNames are every dimension a segment breakdown takes.
var dimensionNames = []string{
	"lifecycle_status", "lifecycle_stage", "frequency_band", "value_band", "email_engagement",
	"recency_score", "frequency_score", "monetary_score", "persona", "audience_state",
	"gender", "age_band", "country", "region", "device_price_band", "city", "email_opt_in",
	"first_order_channel", "store",
}

// Properties of the segments on a 3k-customer demo shop, against independent SQL written here.
func TestSegmentsDemoShopProperties(t *testing.T) {
	dsn := pgtest.WithDatabase(pgtest.AdminDSN(t), pgtest.DemoTemplate(t, 3000, nil))
	e := analytics.New(openDB(t, dsn), analytics.DefaultShop())
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	scalar := func(sql string, args ...any) float64 {
		t.Helper()
		var v float64
		if err := conn.QueryRow(ctx, sql, args...).Scan(&v); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
		return v
	}
	// As of two months before the demo's end, so that later rows must be left out.
	end := pgtest.DemoEnd.AddDate(0, -2, 0)
	p := analytics.Period{From: end.AddDate(0, -1, 0), To: end}
	contacts := int64(scalar(`SELECT count(*) FROM commerce.customers c WHERE c.created_at < $1
	   OR EXISTS (SELECT 1 FROM commerce.orders o WHERE o.customer_id = c.customer_id AND o.is_valid AND o.placed_at < $1)`, end))
	customers := int64(scalar(`SELECT count(DISTINCT o.customer_id) FROM commerce.orders o JOIN commerce.customers c USING (customer_id)
	   WHERE o.is_valid AND o.placed_at < $1`, end))
	revenue := scalar(`SELECT sum(o.total)::float8 FROM commerce.orders o JOIN commerce.customers c USING (customer_id)
	   WHERE o.is_valid AND o.placed_at < $1`, end)
	attempted := int64(scalar(`SELECT count(*) FROM commerce.orders o JOIN commerce.customers c USING (customer_id) WHERE o.placed_at < $1`, end))
	repeaters := int64(scalar(`SELECT count(*) FROM (SELECT customer_id FROM commerce.orders WHERE is_valid AND placed_at < $1
	   GROUP BY 1 HAVING count(*) >= 2) x`, end))
	if customers < 1000 || contacts <= customers {
		t.Fatalf("the demo shop is too thin: %d contacts, %d customers", contacts, customers)
	}

	t.Run("every breakdown adds up to the shop", func(t *testing.T) {
		for _, d := range dimensionNames {
			f := first(t)(e.Segments(ctx, analytics.SegmentsQuery{Dimension: d}, p))
			wantEqual(t, d+" contacts", sumInts(f, "contacts"), contacts)
			wantEqual(t, d+" customers", sumInts(f, "customers"), customers)
			wantEqual(t, d+" repeat customers", sumInts(f, "repeat_customers"), repeaters)
			wantEqual(t, d+" orders attempted", sumInts(f, "orders_attempted"), attempted)
			wantClose(t, d+" revenue", sumFloats(f, "revenue"), revenue)
			sumShares(t, f, "contact_share", f.Rows())
			sumShares(t, f, "revenue_share", f.Rows())
			if d == "persona" || d == "value_band" || d == "lifecycle_status" {
				// Leads are a value of their own, and only they.
				lead := rowOf(t, f, d, "lead")
				wantEqual(t, d+" leads", f.Fields[1].At(lead), contacts-customers)
				wantEqual(t, d+" lead customers", f.Fields[2].At(lead), int64(0))
			}
		}
	})

	t.Run("value bands add up to the customers", func(t *testing.T) {
		f := first(t)(e.ValueBands(ctx, analytics.ValueBandsQuery{}, p))
		var bands int64
		for i := 0; i < 4; i++ {
			bands += f.Fields[1].At(i).(int64)
		}
		wantEqual(t, "customers in bands", bands, customers)
		wantEqual(t, "leads", f.Fields[1].At(4), contacts-customers)
		sumShares(t, f, "share", 5)
		r := first(t)(e.ValueBands(ctx, analytics.ValueBandsQuery{Measure: "revenue"}, p))
		wantClose(t, "revenue in bands", sumFloats(r, "revenue"), revenue)
		// The value band independently: AOV ratios against the shop AOV.
		low := scalar(`
WITH c AS (SELECT customer_id, sum(total) / count(*) AS aov FROM commerce.orders WHERE is_valid AND placed_at < $1 GROUP BY 1),
     s AS (SELECT sum(total) / count(*) AS aov FROM commerce.orders WHERE is_valid AND placed_at < $1)
SELECT count(*) FROM c, s WHERE c.aov / s.aov < 0.75`, end)
		wantEqual(t, "low band", f.Fields[1].At(0), int64(low))
	})

	t.Run("matrix adds up to the contacts", func(t *testing.T) {
		for _, pair := range [][2]string{
			{"lifecycle_status", "email_engagement"}, {"frequency_band", "value_band"},
			{"lifecycle_status", "value_band"}, {"country", "gender"}, {"persona", "first_order_channel"},
			{"device_price_band", "audience_state"},
		} {
			f := first(t)(e.Segments(ctx, analytics.SegmentsQuery{View: "matrix", Dimension: pair[0], Dimension2: pair[1]}, p))
			wantEqual(t, pair[0]+"×"+pair[1]+" contacts", sumInts(f, "contacts"), contacts)
			sumShares(t, f, "share", f.Rows())
			// Each row of the matrix summed over the second dimension is the first's breakdown.
			b := first(t)(e.Segments(ctx, analytics.SegmentsQuery{Dimension: pair[0], Metric: "contacts"}, p))
			byValue := map[string]int64{}
			for i := 0; i < f.Rows(); i++ {
				byValue[f.Fields[0].At(i).(string)] += f.Fields[2].At(i).(int64)
			}
			for i := 0; i < b.Rows(); i++ {
				wantEqual(t, pair[0]+" "+b.Fields[0].At(i).(string), byValue[b.Fields[0].At(i).(string)], b.Fields[1].At(i))
			}
		}
	})

	t.Run("revenue by persona adds up, and follows the R×F grid", func(t *testing.T) {
		f := first(t)(e.Personas(ctx, analytics.PersonasQuery{}, p))
		wantEqual(t, "persona customers", sumInts(f, "customers"), customers)
		wantClose(t, "persona revenue", sumFloats(f, "revenue"), revenue)
		sumShares(t, f, "revenue_share", f.Rows())
		// The scores view's (r, f) cells, named by the Go grid, give the same personas.
		s := first(t)(e.Personas(ctx, analytics.PersonasQuery{View: "scores"}, p))
		fromScores := map[string]int64{}
		for i := 0; i < s.Rows(); i++ {
			fromScores[analytics.Persona(int(s.Fields[0].At(i).(int64)), int(s.Fields[1].At(i).(int64)), 5)] += s.Fields[4].At(i).(int64)
		}
		for i := 0; i < f.Rows(); i++ {
			wantEqual(t, f.Fields[0].At(i).(string), f.Fields[1].At(i), fromScores[f.Fields[0].At(i).(string)])
		}
		// Quintiles: each score holds a fifth of the customers (ntile: the low scores one more).
		for fi, name := range []string{"r", "f", "m"} {
			per := map[int64]int64{}
			for i := 0; i < s.Rows(); i++ {
				per[s.Fields[fi].At(i).(int64)] += s.Fields[4].At(i).(int64)
			}
			for k := int64(1); k <= 5; k++ {
				want := customers / 5
				if k <= customers%5 {
					want++
				}
				wantEqual(t, name+" score size", per[k], want)
			}
		}
		st := first(t)(e.Personas(ctx, analytics.PersonasQuery{View: "by_stage"}, p))
		wantEqual(t, "stage customers", sumInts(st, "customers"), customers)
	})

	t.Run("breakdowns by a score agree with the personas' statements", func(t *testing.T) {
		// The breakdown computes the scores apart from the contacts (ScoresApart), personas revenue
		// and by stage over them: the same customers per value, ties (many at the same order count)
		// included. The scores view ranks apart too, so its cells are checked against independent
		// SQL below.
		column := func(f *data.Frame, value, count string) map[string]float64 {
			t.Helper()
			vf, _ := f.FieldByName(value)
			cf, _ := f.FieldByName(count)
			if vf == nil || cf == nil {
				t.Fatalf("no %s or %s in %v", value, count, f.Fields)
			}
			out := map[string]float64{}
			for i := 0; i < f.Rows(); i++ {
				switch v := cf.At(i).(type) {
				case int64:
					out[vf.At(i).(string)] += float64(v)
				case float64:
					out[vf.At(i).(string)] += v
				default:
					t.Fatalf("%s: %T", count, v)
				}
			}
			return out
		}
		same := func(what string, got, want map[string]float64) {
			t.Helper()
			for k, w := range want {
				if g := got[k]; g < w-1e-6*w || g > w+1e-6*w {
					t.Errorf("%s %q: breakdown %v, personas %v", what, k, g, w)
				}
			}
		}
		byPersona := first(t)(e.Segments(ctx, analytics.SegmentsQuery{Dimension: "persona"}, p))
		personas := first(t)(e.Personas(ctx, analytics.PersonasQuery{}, p))
		same("customers of persona", column(byPersona, "persona", "customers"), column(personas, "persona", "customers"))
		same("revenue of persona", column(byPersona, "persona", "revenue"), column(personas, "persona", "revenue"))

		stages := first(t)(e.Personas(ctx, analytics.PersonasQuery{View: "by_stage"}, p))
		byStage := first(t)(e.Segments(ctx, analytics.SegmentsQuery{Dimension: "lifecycle_stage"}, p))
		same("customers of stage", column(byStage, "lifecycle_stage", "customers"), column(stages, "stage", "customers"))

		scores := first(t)(e.Personas(ctx, analytics.PersonasQuery{View: "scores"}, p))
		for fi, dim := range []string{"recency_score", "frequency_score", "monetary_score"} {
			want := map[string]float64{}
			for i := 0; i < scores.Rows(); i++ {
				want[fmt.Sprint(scores.Fields[fi].At(i).(int64))] += float64(scores.Fields[4].At(i).(int64))
			}
			f := first(t)(e.Segments(ctx, analytics.SegmentsQuery{Dimension: dim}, p))
			same("customers of "+dim, column(f, dim, "customers"), want)
		}
	})

	t.Run("RFM scores cell by cell against independent SQL", func(t *testing.T) {
		// The scores statement ranks apart (segmentSQL.Apart), like the breakdowns: a tie order
		// other than the documented one moves customers between cells, not between the marginals.
		rows, err := conn.Query(ctx, `
		  WITH per_customer AS (
		    SELECT o.customer_id, max(o.placed_at) AS last, count(*) AS orders, sum(o.total) AS revenue
		    FROM commerce.orders o JOIN commerce.customers c USING (customer_id)
		    WHERE o.is_valid AND o.placed_at < $1
		    GROUP BY 1)
		  SELECT ntile(5) OVER (ORDER BY last, customer_id DESC),
		         ntile(5) OVER (ORDER BY orders, customer_id DESC),
		         ntile(5) OVER (ORDER BY revenue, customer_id DESC)
		  FROM per_customer`, end)
		if err != nil {
			t.Fatal(err)
		}
		want := map[[3]int64]int64{}
		for rows.Next() {
			var k [3]int64
			if err := rows.Scan(&k[0], &k[1], &k[2]); err != nil {
				t.Fatal(err)
			}
			want[k]++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		f := first(t)(e.Personas(ctx, analytics.PersonasQuery{View: "scores"}, p))
		if f.Rows() != 125 {
			t.Fatalf("%d score cells, want 125", f.Rows())
		}
		for i := 0; i < f.Rows(); i++ {
			k := [3]int64{f.Fields[0].At(i).(int64), f.Fields[1].At(i).(int64), f.Fields[2].At(i).(int64)}
			wantEqual(t, fmt.Sprint("customers of cell ", k), f.Fields[4].At(i), want[k])
		}
	})

	t.Run("lifecycle status against independent SQL", func(t *testing.T) {
		f := first(t)(e.Segments(ctx, analytics.SegmentsQuery{Dimension: "lifecycle_status"}, p))
		last := `SELECT customer_id, max(placed_at) AS last FROM commerce.orders WHERE is_valid AND placed_at < $1 GROUP BY 1`
		active := scalar(`SELECT count(*) FROM (`+last+`) x WHERE last > $1 - make_interval(hours => 24 * 182)`, end)
		lapsed := scalar(`SELECT count(*) FROM (`+last+`) x WHERE last <= $1 - make_interval(hours => 24 * 385)`, end)
		wantEqual(t, "active", f.Fields[1].At(0), int64(active))
		wantEqual(t, "at risk", f.Fields[1].At(1), customers-int64(active)-int64(lapsed))
		wantEqual(t, "lapsed", f.Fields[1].At(2), int64(lapsed))
		wantColumn(t, f, "lost_share", []any{0.0, 0.0, 1.0, nil})
	})
}

func sumInts(f *data.Frame, name string) int64 {
	field, _ := f.FieldByName(name)
	var n int64
	for i := 0; i < field.Len(); i++ {
		n += field.At(i).(int64)
	}
	return n
}

// sumFloats adds up a float field's values, nulls left out.
func sumFloats(f *data.Frame, name string) float64 {
	field, _ := f.FieldByName(name)
	var n float64
	for i := 0; i < field.Len(); i++ {
		if v, ok := field.ConcreteAt(i); ok {
			n += v.(float64)
		}
	}
	return n
}

// rowOf is the row whose field name holds value.
func rowOf(t *testing.T, f *data.Frame, name, value string) int {
	t.Helper()
	field, _ := f.FieldByName(name)
	var seen []string
	for i := 0; i < field.Len(); i++ {
		if field.At(i).(string) == value {
			return i
		}
		seen = append(seen, field.At(i).(string))
	}
	sort.Strings(seen)
	t.Fatalf("%s has no row %q: %v", name, value, seen)
	return -1
}
