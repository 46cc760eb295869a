package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// The audience fixture, in a UTC shop with the default thresholds (at risk from 182 days, lapsed
// from 385, new for 30 local days). Period P = [1 Jan 2025, 1 Mar 2026), monthly buckets: 14 bucket
// ends E1 = 1 Feb 2025, E2 = 1 Mar, …, E12 = 1 Jan 2026, E13 = 1 Feb 2026, E14 = 1 Mar 2026.
//
//	id  valid orders (total; items)                       notes
//	c1  10 Jan 2025 (100; p10 2×30, p20 2×20)             new → active → slipping away → lost; an
//	                                                      invalid order 1 Dec 2025 (p30 5×16) ignored
//	c2  31 Dec 2024 (75; p30 1×75)                        at E6 (1 Jul 2025) recency exactly 182 d
//	c3  2 Mar 2025 (40; p20 1×40), 15 Nov 2025 12:00      first order exactly at E3's new_from
//	    (90; p10 3×30)                                    (1 Apr − 30 d = 2 Mar): new at E3
//	c4  none: a lead
//	c5  only an invalid order (1 Feb 2025): a lead
//	c6  1 Jun 2025 00:00 (50; p30 1×50)                   exactly at E5: counts from E6 on (new)
//	c7  1 Jun 2023 (200; p30 4×50)                        lost throughout
//	99  5 May 2025 (500; p10 10×50), no customers row     counts nowhere
//
// Thresholds: c1 at risk from 11 Jul 2025, lapsed from 30 Jan 2026; c2 from 1 Jul 2025 and
// 20 Jan 2026; c3's first order from 31 Aug 2025 (then active again after 15 Nov); c6 from
// 30 Nov 2025 (lapsed 21 Jun 2026).
//
//	      E1 E2 E3 E4 E5 E6 E7 E8 E9 E10 E11 E12 E13 E14
//	c1    N  A  A  A  A  A  S  S  S  S   S   S   L   L
//	c2    A  A  A  A  A  S  S  S  S  S   S   S   L   L
//	c3    -  -  N  A  A  A  A  S  S  S   A   A   A   A
//	c6    -  -  -  -  -  N  A  A  A  A   S   S   S   S
//	c7    L  L  L  L  L  L  L  L  L  L   L   L   L   L
//	new   1  0  1  0  0  1  0  0  0  0   0   0   0   0
//	act   1  2  2  3  3  2  2  1  1  1   1   1   1   1
//	slip  0  0  0  0  0  1  2  3  3  3   3   3   1   1
//	lost  1  1  1  1  1  1  1  1  1  1   1   1   3   3
//
// As of E14 (the period's end): active c3 (2 orders, 130, both in the year before), slipping
// away c6 (1, 50, in the year), lost c1 c2 c7 (3 orders, 375, none in the year; all lapsed).
const audienceFixture = `
INSERT INTO customers (customer_id, created_at, gender) VALUES
    (1, '2020-01-01Z', 'female'), (2, '2020-01-01Z', 'male'), (3, '2020-01-01Z', 'female'),
    (4, '2020-01-01Z', 'female'), (5, '2020-01-01Z', 'male'), (6, '2020-01-01Z', 'male'),
    (7, '2020-01-01Z', NULL);
INSERT INTO products (product_id, name, category) VALUES
    (10, 'Mug', 'kitchen'), (20, 'Tee', 'apparel'), (30, 'Cap', 'apparel');
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total) VALUES
    (1, 1, '2025-01-10 00:00Z', true, 100),
    (2, 1, '2025-12-01 00:00Z', false, 80),
    (3, 2, '2024-12-31 00:00Z', true, 75),
    (4, 3, '2025-03-02 00:00Z', true, 40),
    (5, 3, '2025-11-15 12:00Z', true, 90),
    (6, 5, '2025-02-01 00:00Z', false, 30),
    (7, 6, '2025-06-01 00:00Z', true, 50),
    (8, 7, '2023-06-01 00:00Z', true, 200),
    (9, 99, '2025-05-05 00:00Z', true, 500);
INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES
    (1, 10, 2, 30), (1, 20, 2, 20), (2, 30, 5, 16), (3, 30, 1, 75), (4, 20, 1, 40),
    (5, 10, 3, 30), (7, 30, 1, 50), (8, 30, 4, 50), (9, 10, 10, 50);
`

func TestAudienceGrowthFixture(t *testing.T) {
	e2db := fixtureSQL(t, audienceFixture)
	e := analytics.New(e2db, analytics.DefaultShop())
	ctx := context.Background()
	p := analytics.Period{From: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	month := func(y int, m time.Month) time.Time { return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC) }

	t.Run("states at each bucket end", func(t *testing.T) {
		for _, q := range []analytics.AudienceQuery{{Bucket: "month"}, {View: "states", Bucket: "month"}} {
			f := first(t)(e.AudienceGrowth(ctx, q, p, 0))
			var ends []any
			for m := 2; m <= 15; m++ {
				ends = append(ends, month(2025, time.Month(m)).UTC())
			}
			if f.Name != "audience_states" || len(f.Fields) != 5 {
				t.Fatalf("frame %s with %d fields", f.Name, len(f.Fields))
			}
			wantColumn(t, f, "time", ends)
			wantColumn(t, f, "new", ints(1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0))
			wantColumn(t, f, "active", ints(1, 2, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1))
			wantColumn(t, f, "slipping_away", ints(0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 1, 1))
			wantColumn(t, f, "lost", ints(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3))
			if f.Meta.ExecutedQueryString == "" || f.Fields[1].Config.Unit != "short" || f.Fields[2].Config.DisplayNameFromDS != "Active" {
				t.Error("frame metadata or field config missing")
			}
		}
	})

	// The 14 monthly instants above span more than 92 days, so the history form tests the
	// customers rows once after its union (audienceStatesWideSQL); ranges of three months run the
	// form that tests them in each part. Both must give the hand-counted table.
	t.Run("states of narrow ranges", func(t *testing.T) {
		want := map[string][]int64{
			"new":           {1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0},
			"active":        {1, 2, 2, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1},
			"slipping_away": {0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 1, 1},
			"lost":          {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3, 3},
		}
		wide := first(t)(e.AudienceGrowth(ctx, analytics.AudienceQuery{Bucket: "month"}, p, 0))
		if !contains(wide.Meta.ExecutedQueryString, "c.customer_id = u.customer_id") {
			t.Error("14 months: not the form that tests the customers after the union")
		}
		for k := 0; k < 14; k += 3 {
			to := month(2025, time.Month(k+4))
			if k+3 > 14 {
				to = p.To
			}
			f := first(t)(e.AudienceGrowth(ctx, analytics.AudienceQuery{Bucket: "month"}, analytics.Period{From: month(2025, time.Month(k+1)), To: to}, 0))
			if contains(f.Meta.ExecutedQueryString, "c.customer_id = u.customer_id") {
				t.Errorf("range from E%d: the wide form for three months", k+1)
			}
			n := min(3, 14-k)
			if f.Rows() != n {
				t.Fatalf("range from E%d: %d bucket ends, want %d", k+1, f.Rows(), n)
			}
			for col, w := range want {
				wantColumn(t, f, col, ints(w[k:k+n]...))
			}
		}
	})

	t.Run("the last bucket end is the breakdown by audience state", func(t *testing.T) {
		b := first(t)(e.Segments(ctx, analytics.SegmentsQuery{Dimension: "audience_state"}, p))
		wantColumn(t, b, "audience_state", []any{"new", "active", "slipping away", "lost", "lead"})
		wantColumn(t, b, "customers", ints(0, 1, 1, 3, 0))
	})

	t.Run("active history", func(t *testing.T) {
		f := first(t)(e.AudienceGrowth(ctx, analytics.AudienceQuery{View: "active_history"}, p, 0))
		wantColumn(t, f, "label", []any{"now", "1 month ago", "3 months ago", "6 months ago", "12 months ago"})
		wantColumn(t, f, "as_of", []any{month(2026, 3), month(2026, 2), month(2025, 12), month(2025, 9), month(2025, 3)})
		// now c3; 1 Feb 2026 c3; 1 Dec 2025 c3; 1 Sep 2025 c6; 1 Mar 2025 c1 and c2.
		wantColumn(t, f, "customers", ints(1, 1, 1, 1, 2))
		wantColumn(t, f, "change", []any{0.0, 0.0, 0.0, 0.0, -0.5})
	})

	t.Run("overview", func(t *testing.T) {
		f := first(t)(e.AudienceGrowth(ctx, analytics.AudienceQuery{View: "overview"}, p, 0))
		if f.Name != "audience_overview" || len(f.Fields) != 8 {
			t.Fatalf("frame %s with %d fields", f.Name, len(f.Fields))
		}
		wantColumn(t, f, "audience_state", []any{"new", "active", "slipping away", "lost"})
		wantColumn(t, f, "avg_clv", []any{nil, 130.0, 50.0, 125.0})
		wantColumn(t, f, "customers", ints(0, 1, 1, 3))
		wantColumn(t, f, "avg_orders", []any{nil, 2.0, 1.0, 1.0})
		wantColumn(t, f, "aov", []any{nil, 65.0, 50.0, 125.0})
		wantColumn(t, f, "annual_orders", []any{nil, 2.0, 1.0, 0.0})
		wantColumn(t, f, "annual_revenue", []any{nil, 130.0, 50.0, 0.0})
		wantColumn(t, f, "lost_share", []any{nil, 0.0, 0.0, 1.0})
		if f.Fields[1].Config.DisplayNameFromDS != "Lifetime value" || f.Fields[1].Config.Unit == "" {
			t.Errorf("lifetime value config %+v", f.Fields[1].Config)
		}
		// Another dimension: gender (c1 c3 female, c2 c6 male, c7 unknown; c4 c5 leads).
		g := first(t)(e.AudienceGrowth(ctx, analytics.AudienceQuery{View: "overview", Dimension: "gender"}, p, 0))
		wantColumn(t, g, "gender", []any{"female", "male", "other", "unknown"})
		wantColumn(t, g, "customers", ints(2, 2, 0, 1))
		wantColumn(t, g, "avg_clv", []any{115.0, 62.5, nil, 200.0})
	})

	t.Run("popular products", func(t *testing.T) {
		pp := func(q analytics.AudienceQuery) *frameT {
			q.View = "popular_products"
			return first(t)(e.AudienceGrowth(ctx, q, p, 0))
		}
		// Lost (c1 c2 c7): only c1 ordered in P; p10 and p20 tie on units, by product id.
		f := pp(analytics.AudienceQuery{Segment: "lost"})
		wantColumn(t, f, "product_id", []any{"10", "20"})
		wantColumn(t, f, "product", []any{"Mug", "Tee"})
		wantColumn(t, f, "category", []any{"kitchen", "apparel"})
		wantColumn(t, f, "units", ints(2, 2))
		wantColumn(t, f, "customers", ints(1, 1))
		wantColumn(t, f, "revenue", []any{60.0, 40.0})
		// Active (c3).
		f = pp(analytics.AudienceQuery{Dimension: "audience_state", Segment: "active"})
		wantColumn(t, f, "product_id", []any{"10", "20"})
		wantColumn(t, f, "units", ints(3, 1))
		wantColumn(t, f, "customers", ints(1, 1))
		wantColumn(t, f, "revenue", []any{90.0, 40.0})
		f = pp(analytics.AudienceQuery{Segment: "active", TopN: 1})
		wantColumn(t, f, "product_id", []any{"10"})
		// Slipping away (c6); new: nobody.
		f = pp(analytics.AudienceQuery{Segment: "slipping away"})
		wantColumn(t, f, "product_id", []any{"30"})
		wantColumn(t, f, "units", ints(1))
		wantColumn(t, f, "revenue", []any{50.0})
		f = pp(analytics.AudienceQuery{Segment: "new"})
		wantColumn(t, f, "product_id", []any{})
		// Female (c1 c3; c4 a lead): customer 99's p10 lines and c1's invalid order are out.
		f = pp(analytics.AudienceQuery{Dimension: "gender", Segment: "female"})
		wantColumn(t, f, "product_id", []any{"10", "20"})
		wantColumn(t, f, "units", ints(5, 3))
		wantColumn(t, f, "customers", ints(2, 2))
		wantColumn(t, f, "revenue", []any{150.0, 80.0})
		// Email engagement, whose statement keeps its members joined to their orders
		// (audience_products.sql): without email events every customer is unknown, so all
		// customers' lines (the female ones and c6's).
		f = pp(analytics.AudienceQuery{Dimension: "email_engagement", Segment: "unknown"})
		wantColumn(t, f, "product_id", []any{"10", "20", "30"})
		wantColumn(t, f, "units", ints(5, 3, 1))
		wantColumn(t, f, "customers", ints(2, 2, 1))
		wantColumn(t, f, "revenue", []any{150.0, 80.0, 50.0})
		// A shorter period: only c3's November order.
		f = first(t)(e.AudienceGrowth(ctx, analytics.AudienceQuery{View: "popular_products", Dimension: "gender", Segment: "female"},
			analytics.Period{From: month(2025, 6), To: p.To}, 0))
		wantColumn(t, f, "product_id", []any{"10"})
		wantColumn(t, f, "units", ints(3))
	})

	t.Run("thresholds shorter than the new window agree with the breakdown at every end", func(t *testing.T) {
		// At risk from 10 days, lapsed from 20: a new customer can be slipping away or lost by
		// recency, and new must still take precedence. Daily ends over the first half of 2025.
		shop := analytics.DefaultShop()
		shop.AtRiskDays, shop.LapsedDays = 10, 20
		short := analytics.New(e2db, shop)
		q := analytics.Period{From: month(2025, 1), To: month(2025, 7)}
		f := first(t)(short.AudienceGrowth(ctx, analytics.AudienceQuery{Bucket: "day"}, q, 0))
		if f.Rows() != 181 {
			t.Fatalf("%d rows", f.Rows())
		}
		var newSeen, lostSeen int64
		for i := 0; i < f.Rows(); i++ {
			at := f.Fields[0].At(i).(time.Time)
			s := first(t)(short.Segments(ctx, analytics.SegmentsQuery{Dimension: "audience_state", Metric: "customers"},
				analytics.Period{From: at.Add(-time.Hour), To: at}))
			for j := 0; j < 4; j++ {
				if f.Fields[1+j].At(i) != s.Fields[1].At(j) {
					t.Errorf("%s %s: %v, breakdown %v", at, f.Fields[1+j].Name, f.Fields[1+j].At(i), s.Fields[1].At(j))
				}
			}
			newSeen += f.Fields[1].At(i).(int64)
			lostSeen += f.Fields[4].At(i).(int64)
		}
		// New at the ends in (first order, first order + 30 d]: c1 11 Jan – 9 Feb, c3 3 Mar – 1 Apr,
		// c6 2 Jun – 1 Jul (30 ends each) and c2 (31 Dec 2024) 2–30 Jan (29 ends, from the first).
		wantEqual(t, "new customer-days", newSeen, int64(119))
		if lostSeen == 0 {
			t.Error("nobody lost: the check is empty")
		}
	})

	t.Run("bad input answers what to use", func(t *testing.T) {
		bad := map[string]struct {
			q analytics.AudienceQuery
			p analytics.Period
		}{
			"unknown view":       {analytics.AudienceQuery{View: "growth"}, p},
			"unknown dimension":  {analytics.AudienceQuery{View: "overview", Dimension: "mood"}, p},
			"no segment":         {analytics.AudienceQuery{View: "popular_products"}, p},
			"unknown segment":    {analytics.AudienceQuery{View: "popular_products", Segment: "sleeping"}, p},
			"products dimension": {analytics.AudienceQuery{View: "popular_products", Dimension: "mood", Segment: "x"}, p},
			"top N":              {analytics.AudienceQuery{View: "popular_products", Segment: "lost", TopN: 1001}, p},
			"bad bucket":         {analytics.AudienceQuery{Bucket: "fortnight"}, p},
			"empty period":       {analytics.AudienceQuery{}, analytics.Period{From: p.To, To: p.To}},
			"reversed period":    {analytics.AudienceQuery{View: "active_history"}, analytics.Period{From: p.To, To: p.From}},
		}
		for name, tc := range bad {
			_, err := e.AudienceGrowth(ctx, tc.q, tc.p, 0)
			if !analytics.IsQueryError(err) {
				t.Errorf("%s: want a query error, got %v", name, err)
			}
		}
		_, err := e.AudienceGrowth(ctx, analytics.AudienceQuery{View: "popular_products", Segment: "sleeping"}, p, 0)
		if err == nil || !contains(err.Error(), "slipping away") {
			t.Errorf("the segment error should list the values: %v", err)
		}
	})
}

func ints(v ...int64) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = x
	}
	return out
}

// A customer's next valid order exactly at the first instant: as of that instant (orders before
// it) the last order is the earlier one, so the earlier row must be read. c1 orders on 1 Jan and
// at 00:00 on 1 Mar 2025; c2 only on 1 Mar 00:00. Monthly buckets of [1 Feb, 1 Apr 2025): at
// E1 = 1 Mar c1 is active (1 Jan, not within 30 days) and c2 is no customer yet; at E2 = 1 Apr
// both are active (c2's first order is 31 days before, new_from is 2 Mar). The same with
// order_history and without it (dropped).
func TestAudienceStatesNextOrderAtFirstInstant(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, dsn, `SET search_path TO commerce;
INSERT INTO customers (customer_id, created_at) VALUES (1, '2020-01-01Z'), (2, '2020-01-01Z');
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total) VALUES
    (1, 1, '2025-01-01 00:00Z', true, 10), (2, 1, '2025-03-01 00:00Z', true, 20), (3, 2, '2025-03-01 00:00Z', true, 30);`)
	ctx := context.Background()
	p := analytics.Period{From: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)}
	for _, form := range []string{"with order_history", "without it"} {
		if form == "without it" {
			pgtest.Exec(t, dsn, `DROP TABLE commerce.order_history`)
		}
		e := analytics.New(openDB(t, dsn), analytics.DefaultShop())
		f := first(t)(e.AudienceGrowth(ctx, analytics.AudienceQuery{Bucket: "month"}, p, 0))
		t.Run(form, func(t *testing.T) {
			if got := contains(f.Meta.ExecutedQueryString, "order_history h"); got != (form == "with order_history") {
				t.Errorf("read order_history: %v", got)
			}
			wantColumn(t, f, "new", ints(0, 0))
			wantColumn(t, f, "active", ints(1, 2))
			wantColumn(t, f, "slipping_away", ints(0, 0))
			wantColumn(t, f, "lost", ints(0, 0))
		})
	}
}
