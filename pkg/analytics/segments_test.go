package analytics_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/requestshare"
)

// The segments fixture, in a UTC shop, as of T = 1 Jul 2026 00:00 (the period's end; its start
// does not matter). Default settings: at risk from 182 days (T − 182 d = 31 Dec 2025 00:00), lapsed
// from 385 days (T − 385 d = 11 Jun 2025 00:00), value bands 0.75 / 1.25 / 2.5, RFM scale 5.
// Windows: annual from 1 Jul 2025, new from 1 Jun 2026, email from 2 Jan 2026.
//
//	id  created     valid orders before T (time: total)              notes
//	c1  2026-01-01  2 × 25 Jun 06:00 (150 live, order 1; 50 video)    same instant: 2nd-order delay 0;
//	                                                                    an invalid order; one at T (out)
//	c2  2024-06-01  31 Dec 2025 00:00: 75 (berlin, no channel)         recency exactly 182: at risk
//	c3  2024-01-01  1 Mar 2024: 100 (email), 3 Mar 2024 12:00: 150      AOV 125 = 1.25 × shop
//	c4  2025-01-01  1 Mar 2026 12:00: 250 (storefront, no store)       AOV 250 = 2.5 × shop
//	c5  2023-01-01  5 × 300 (live) 1 Aug, 1 Oct, 1 Dec 2025, 1 Feb 2026, 25 Jun 2026 06:00
//	c6  2024-02-01  4 × 25 (product_card) 10 Jan, May, Sep 2024, 10 Jan 2025   created after its
//	                                                                    first order: delay 0
//	c7  2024-02-01  3 × 50 (storefront) 11 Apr, 11 May, 11 Jun 2025   recency exactly 385: lapsed
//	c8  2025-06-01  25 Jun 2026 06:00: 60 (video)
//	c9  2023-03-01  2 × 40 (storefront) 1 May 2023, 1 Mar 2025
//	c10 2023-01-01  5 × 5 (live) Feb–Oct 2023, 3 Mar 2024 12:00: 10
//	c20 2025-05-05  none: a lead
//	c21 2025-02-01  two invalid orders (and one after T): a lead with 2 orders attempted
//	c22 created exactly at T: not a contact yet. Customer 99 (no customers row) has a valid
//	    order: it counts nowhere.
//
// Contacts 12 (c1–c10, c20, c21), customers 10, valid orders 27, revenue 2700: shop AOV 100.
//
//	            orders revenue  AOV  value    recency  status   audience       freq        R F M  stage    persona
//	c1            2    200     100  medium    5.75    active   new            repeat      5 3 4  Active   Potential loyalists
//	c2            1     75      75  medium    182     at risk  slipping away  one-time    3 2 2  Lapsing  About to sleep
//	c3            2    250     125  medium    849.5   lapsed   lost           repeat      1 3 5  Inactive At risk
//	c4            1    250     250  high      121.5   active   active         one-time    4 1 4  Lapsing  Promising
//	c5            5   1500     300  very high 5.75    active   active         very loyal  5 5 5  Active   Champions
//	c6            4    100      25  low       537     lapsed   lost           loyal       2 4 3  Inactive At risk
//	c7            3    150      50  low       385     lapsed   lost           loyal       3 4 3  Lapsing  Loyal customers
//	c8            1     60      60  low       5.75    active   new            one-time    4 1 1  Active   Promising
//	c9            2     80      40  low       487     lapsed   lost           repeat      2 2 2  Inactive Hibernating
//	c10           6     35    5.83  low       849.5   lapsed   lost           very loyal  1 5 1  Inactive Can't lose them
//
// Quantile ties (ordered by customer id descending, so the lower id scores higher):
//   - R by last order: c10 = c3 (3 Mar 2024), c6, c9, c7, c2, c4, then c8 = c5 = c1 (25 Jun 06:00)
//     straddling R4 | R5: c8 R4, c5 and c1 R5. Stage (4, 3, 3): c10 c3 c6 c9 | c7 c2 c4 | c8 c5 c1.
//   - F by orders: c8 = c4 = c2 (1) straddle F1 | F2; c9 = c3 = c1 (2) straddle F2 | F3.
//   - M by revenue: c10 35, c8 60, c2 75, c9 80, c6 100, c7 150, c1 200, c4 = c3 (250) straddle
//     M4 | M5, c5 1500.
//
// First-order delays (days): c1 175.25, c2 578, c3 60, c4 424.5, c5 943, c6 0, c7 435, c8 389.25,
// c9 61, c10 31. Second-order delays: c1 0, c3 2.5, c5 61, c6 121, c7 30, c9 670, c10 59.
// Annual (since 1 Jul 2025): c1 2/200, c2 1/75, c4 1/250, c5 5/1500, c8 1/60; the others none.
//
// Email, 2 Jan – 1 Jul 2026 (sent / opens + clicks): c1 2/3, c2 2/0 (a click on 1 Jan 23:00 is
// before the window), c3 4/1, c4 2/1, c7 1/0 (its open is after T), c9 6/1, c20 1/3; c5 only an
// open (its email was sent in December): unknown. Shop rate 9/18 = 0.5, so low < 0.25 ≤ medium ≤
// 0.75 < high: c1 high (1.5), c20 high (3), c3 medium (0.25, on the edge), c4 medium (0.5), c9 low
// (1/6), c2 and c7 none, c5 c6 c8 c10 c21 unknown.
const segmentsFixture = `
INSERT INTO customers (customer_id, created_at, gender, country, email_opt_in) VALUES
    (1, '2026-01-01Z', 'female', 'DE', true), (2, '2024-06-01Z', 'male', 'DE', false),
    (3, '2024-01-01Z', 'female', 'FR', true), (4, '2025-01-01Z', 'male', 'US', NULL),
    (5, '2023-01-01Z', 'female', 'GB', true), (6, '2024-02-01Z', NULL, 'DE', NULL),
    (7, '2024-02-01Z', 'male', NULL, false), (8, '2025-06-01Z', 'female', 'FR', true),
    (9, '2023-03-01Z', 'other', 'DE', true), (10, '2023-01-01Z', 'male', 'US', false),
    (20, '2025-05-05Z', 'female', 'DE', true), (21, '2025-02-01Z', 'male', 'FR', NULL),
    (22, '2026-07-01Z', 'female', 'DE', true);
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total, channel, store_id) VALUES
    (1, 1, '2026-06-25 06:00Z', true, 150, 'live', 'online'),
    (2, 1, '2026-06-25 06:00Z', true, 50, 'video', 'online'),
    (3, 1, '2026-05-01 00:00Z', false, 80, 'live', 'online'),
    (4, 1, '2026-07-01 00:00Z', true, 999, 'live', 'online'),
    (5, 2, '2025-12-31 00:00Z', true, 75, NULL, 'berlin'),
    (6, 3, '2024-03-01 00:00Z', true, 100, 'email', 'online'),
    (7, 3, '2024-03-03 12:00Z', true, 150, 'live', 'online'),
    (8, 4, '2026-03-01 12:00Z', true, 250, 'storefront', NULL),
    (9, 5, '2025-08-01 00:00Z', true, 300, 'live', 'online'),
    (10, 5, '2025-10-01 00:00Z', true, 300, 'live', 'online'),
    (11, 5, '2025-12-01 00:00Z', true, 300, 'live', 'online'),
    (12, 5, '2026-02-01 00:00Z', true, 300, 'live', 'online'),
    (13, 5, '2026-06-25 06:00Z', true, 300, 'live', 'online'),
    (14, 6, '2024-01-10 00:00Z', true, 25, 'product_card', 'online'),
    (15, 6, '2024-05-10 00:00Z', true, 25, 'product_card', 'online'),
    (16, 6, '2024-09-10 00:00Z', true, 25, 'product_card', 'online'),
    (17, 6, '2025-01-10 00:00Z', true, 25, 'product_card', 'online'),
    (18, 7, '2025-04-11 00:00Z', true, 50, 'storefront', 'online'),
    (19, 7, '2025-05-11 00:00Z', true, 50, 'storefront', 'online'),
    (20, 7, '2025-06-11 00:00Z', true, 50, 'storefront', 'online'),
    (21, 8, '2026-06-25 06:00Z', true, 60, 'video', 'online'),
    (22, 9, '2023-05-01 00:00Z', true, 40, 'storefront', 'online'),
    (23, 9, '2025-03-01 00:00Z', true, 40, 'storefront', 'online'),
    (24, 10, '2023-02-01 00:00Z', true, 5, 'live', 'online'),
    (25, 10, '2023-04-01 00:00Z', true, 5, 'live', 'online'),
    (26, 10, '2023-06-01 00:00Z', true, 5, 'live', 'online'),
    (27, 10, '2023-08-01 00:00Z', true, 5, 'live', 'online'),
    (28, 10, '2023-10-01 00:00Z', true, 5, 'live', 'online'),
    (29, 10, '2024-03-03 12:00Z', true, 10, 'storefront', 'online'),
    (30, 21, '2025-03-01 00:00Z', false, 30, 'live', 'online'),
    (31, 21, '2026-01-15 00:00Z', false, 45, 'live', 'online'),
    (32, 21, '2026-07-02 00:00Z', false, 45, 'live', 'online'),
    (33, 99, '2026-06-01 00:00Z', true, 500, 'live', 'online');
INSERT INTO email_events (customer_id, kind, occurred_at) VALUES
    (1, 'sent', '2026-03-01Z'), (1, 'sent', '2026-04-01Z'), (1, 'open', '2026-03-02Z'), (1, 'open', '2026-04-02Z'), (1, 'click', '2026-04-02Z'),
    (2, 'sent', '2026-03-01Z'), (2, 'sent', '2026-04-01Z'), (2, 'click', '2026-01-01 23:00Z'),
    (3, 'sent', '2026-02-01Z'), (3, 'sent', '2026-03-01Z'), (3, 'sent', '2026-04-01Z'), (3, 'sent', '2026-05-01Z'), (3, 'open', '2026-05-02Z'),
    (4, 'sent', '2026-03-01Z'), (4, 'sent', '2026-04-01Z'), (4, 'open', '2026-04-03Z'),
    (5, 'sent', '2025-12-01Z'), (5, 'open', '2026-02-01Z'),
    (7, 'sent', '2026-06-30 23:00Z'), (7, 'open', '2026-07-01 01:00Z'),
    (9, 'sent', '2026-01-05Z'), (9, 'sent', '2026-02-05Z'), (9, 'sent', '2026-03-05Z'), (9, 'sent', '2026-04-05Z'),
    (9, 'sent', '2026-05-05Z'), (9, 'sent', '2026-06-05Z'), (9, 'open', '2026-06-06Z'),
    (20, 'sent', '2026-03-01Z'), (20, 'open', '2026-03-02Z'), (20, 'open', '2026-03-03Z'), (20, 'click', '2026-03-02Z');
`

type segmentsEnv struct {
	e *analytics.Engine
	p analytics.Period
}

func newSegmentsEnv(t *testing.T) segmentsEnv {
	t.Helper()
	to := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	return segmentsEnv{
		e: analytics.New(fixtureSQL(t, segmentsFixture), analytics.DefaultShop()),
		p: analytics.Period{From: to.AddDate(0, -1, 0), To: to},
	}
}

func TestSegmentsBreakdown(t *testing.T) {
	env := newSegmentsEnv(t)
	ctx := context.Background()

	t.Run("lifecycle status", func(t *testing.T) {
		// active c1 c4 c5 c8 · at risk c2 · lapsed c3 c6 c7 c9 c10 · lead c20 c21.
		f := first(t)(env.e.Segments(ctx, analytics.SegmentsQuery{Dimension: "lifecycle_status"}, env.p))
		wantFields(t, f, "lifecycle_status", "contacts", "customers", "repeat_customers", "one_time_customers",
			"orders", "orders_attempted", "revenue", "avg_clv", "avg_orders", "aov", "conversion_rate",
			"repeat_rate", "avg_recency", "avg_first_order_delay", "avg_second_order_delay", "contact_share",
			"revenue_share", "annual_orders", "annual_revenue", "lost_share", "predicted_clv", "predicted_revenue")
		wantColumn(t, f, "lifecycle_status", []any{"active", "at risk", "lapsed", "lead"})
		// Ten customers are too few for a fit: no prediction, and a notice says why.
		wantColumn(t, f, "predicted_clv", []any{nil, nil, nil, nil})
		wantColumn(t, f, "contacts", []any{int64(4), int64(1), int64(5), int64(2)})
		wantColumn(t, f, "customers", []any{int64(4), int64(1), int64(5), int64(0)})
		wantColumn(t, f, "repeat_customers", []any{int64(2), int64(0), int64(5), int64(0)}) // c1 c5 · – · all
		wantColumn(t, f, "one_time_customers", []any{int64(2), int64(1), int64(0), int64(0)})
		wantColumn(t, f, "orders", []any{int64(2 + 1 + 5 + 1), int64(1), int64(2 + 4 + 3 + 2 + 6), int64(0)})
		// c1's invalid order, c21's two (its order after T is out).
		wantColumn(t, f, "orders_attempted", []any{int64(10), int64(1), int64(17), int64(2)})
		wantColumn(t, f, "revenue", []any{2010.0, 75.0, 615.0, 0.0})
		wantColumn(t, f, "avg_clv", []any{2010.0 / 4, 75.0, 615.0 / 5, nil})
		wantColumn(t, f, "avg_orders", []any{9.0 / 4, 1.0, 17.0 / 5, nil})
		wantColumn(t, f, "aov", []any{2010.0 / 9, 75.0, 615.0 / 17, nil})
		wantColumn(t, f, "conversion_rate", []any{1.0, 1.0, 1.0, 0.0})
		wantColumn(t, f, "repeat_rate", []any{0.5, 0.0, 1.0, nil})
		wantColumn(t, f, "avg_recency", []any{(5.75*3 + 121.5) / 4, 182.0, (849.5*2 + 537 + 385 + 487) / 5, nil})
		wantColumn(t, f, "avg_first_order_delay", []any{(175.25 + 424.5 + 943 + 389.25) / 4, 578.0, (60.0 + 0 + 435 + 61 + 31) / 5, nil})
		wantColumn(t, f, "avg_second_order_delay", []any{(0.0 + 61) / 2, nil, (2.5 + 121 + 30 + 670 + 59) / 5, nil})
		wantColumn(t, f, "contact_share", []any{4.0 / 12, 1.0 / 12, 5.0 / 12, 2.0 / 12})
		wantColumn(t, f, "revenue_share", []any{2010.0 / 2700, 75.0 / 2700, 615.0 / 2700, 0.0})
		wantColumn(t, f, "annual_orders", []any{9.0 / 4, 1.0, 0.0, nil})
		wantColumn(t, f, "annual_revenue", []any{2010.0 / 4, 75.0, 0.0, nil})
		wantColumn(t, f, "lost_share", []any{0.0, 0.0, 1.0, nil})
		money := "currencyUSD"
		for _, c := range []struct{ name, display, unit string }{
			{"lifecycle_status", "Lifecycle status", ""}, {"contacts", "Contacts", "short"},
			{"orders_attempted", "Orders attempted", "short"}, {"revenue", "Total CLV", money},
			{"avg_clv", "Average CLV", money}, {"aov", "Average order value", money},
			{"conversion_rate", "Contact conversion rate", "percentunit"}, {"avg_recency", "Average recency", "d"},
			{"avg_second_order_delay", "Average second-order delay", "d"}, {"annual_revenue", "Annual revenue per customer", money},
			{"lost_share", "Lost", "percentunit"},
		} {
			wantConfig(t, f, c.name, c.display, c.unit)
		}
		if !contains(f.Meta.ExecutedQueryString, "contact_dims") || f.Meta.Custom.(map[string]string)["as_of"] != "2026-07-01T00:00:00Z" {
			t.Errorf("meta: %+v", f.Meta.Custom)
		}
	})

	t.Run("value band", func(t *testing.T) {
		// low c6 c7 c8 c9 c10 · medium c1 c2 (0.75, on the edge) c3 (1.25, on the edge) · high c4
		// (2.5, on the edge) · very high c5 · lead c20 c21.
		f := first(t)(env.e.ValueBands(ctx, analytics.ValueBandsQuery{View: "breakdown"}, env.p))
		wantColumn(t, f, "value_band", []any{"low", "medium", "high", "very high", "lead"})
		wantColumn(t, f, "contacts", []any{int64(5), int64(3), int64(1), int64(1), int64(2)})
		wantColumn(t, f, "customers", []any{int64(5), int64(3), int64(1), int64(1), int64(0)})
		wantColumn(t, f, "repeat_customers", []any{int64(4), int64(2), int64(0), int64(1), int64(0)})
		wantColumn(t, f, "one_time_customers", []any{int64(1), int64(1), int64(1), int64(0), int64(0)})
		wantColumn(t, f, "orders", []any{int64(16), int64(5), int64(1), int64(5), int64(0)})
		wantColumn(t, f, "orders_attempted", []any{int64(16), int64(6), int64(1), int64(5), int64(2)})
		wantColumn(t, f, "revenue", []any{425.0, 525.0, 250.0, 1500.0, 0.0})
		wantColumn(t, f, "avg_clv", []any{85.0, 175.0, 250.0, 1500.0, nil})
		wantColumn(t, f, "avg_orders", []any{16.0 / 5, 5.0 / 3, 1.0, 5.0, nil})
		wantColumn(t, f, "aov", []any{425.0 / 16, 105.0, 250.0, 300.0, nil})
		wantColumn(t, f, "conversion_rate", []any{1.0, 1.0, 1.0, 1.0, 0.0})
		wantColumn(t, f, "repeat_rate", []any{4.0 / 5, 2.0 / 3, 0.0, 1.0, nil})
		wantColumn(t, f, "avg_recency", []any{(537 + 385 + 5.75 + 487 + 849.5) / 5, (5.75 + 182 + 849.5) / 3, 121.5, 5.75, nil})
		wantColumn(t, f, "avg_first_order_delay", []any{(0 + 435 + 389.25 + 61 + 31) / 5, (175.25 + 578 + 60) / 3, 424.5, 943.0, nil})
		wantColumn(t, f, "avg_second_order_delay", []any{(121.0 + 30 + 670 + 59) / 4, (0 + 2.5) / 2, nil, 61.0, nil})
		wantColumn(t, f, "contact_share", []any{5.0 / 12, 3.0 / 12, 1.0 / 12, 1.0 / 12, 2.0 / 12})
		wantColumn(t, f, "revenue_share", []any{425.0 / 2700, 525.0 / 2700, 250.0 / 2700, 1500.0 / 2700, 0.0})
		wantColumn(t, f, "annual_orders", []any{1.0 / 5, 1.0, 1.0, 5.0, nil})
		wantColumn(t, f, "annual_revenue", []any{60.0 / 5, 275.0 / 3, 250.0, 1500.0, nil})
		wantColumn(t, f, "lost_share", []any{4.0 / 5, 1.0 / 3, 0.0, 0.0, nil})
	})

	t.Run("one request", func(t *testing.T) {
		// The breakdowns of one dimension and period share their statement, whatever their metric
		// and whether they come as segments or value bands; each answers as it does alone. (Too
		// few customers for a fit: no predictions are computed.)
		var computed []string
		shared := requestshare.With(ctx, func(k string) { computed = append(computed, strings.SplitN(k, "\x00", 2)[0]) })
		for _, q := range []analytics.SegmentsQuery{
			{Dimension: "lifecycle_status"}, {Dimension: "lifecycle_status", Metric: "contacts"},
			{Dimension: "value_band", Metric: "revenue"},
		} {
			got := first(t)(env.e.Segments(shared, q, env.p))
			if diff := frameDiff(got, first(t)(env.e.Segments(ctx, q, env.p))); diff != "" {
				t.Errorf("%+v in one request: %s", q, diff)
			}
		}
		vb := first(t)(env.e.ValueBands(shared, analytics.ValueBandsQuery{View: "breakdown"}, env.p))
		if diff := frameDiff(vb, first(t)(env.e.ValueBands(ctx, analytics.ValueBandsQuery{View: "breakdown"}, env.p))); diff != "" {
			t.Errorf("value bands breakdown in one request: %s", diff)
		}
		if len(computed) != 2 {
			t.Errorf("breakdowns of two dimensions in one request computed %q, want one of each", computed)
		}
	})

	t.Run("counts of every other dimension", func(t *testing.T) {
		for _, tc := range []struct {
			dim    string
			values []any
			counts []int64
		}{
			{"frequency_band", []any{"one-time", "repeat", "loyal", "very loyal", "lead"}, []int64{3, 3, 2, 2, 2}},
			{"lifecycle_stage", []any{"Active", "Lapsing", "Inactive", "lead"}, []int64{3, 3, 4, 2}},
			{"audience_state", []any{"new", "active", "slipping away", "lost", "lead"}, []int64{2, 2, 1, 5, 2}},
			{"email_engagement", []any{"none", "low", "medium", "high", "unknown"}, []int64{2, 1, 2, 2, 5}},
			{"recency_score", []any{"1", "2", "3", "4", "5", "lead"}, []int64{2, 2, 2, 2, 2, 2}},
			{"persona", []any{"Champions", "Loyal customers", "Potential loyalists", "New customers", "Promising",
				"Need attention", "About to sleep", "At risk", "Can't lose them", "Hibernating", "lead"},
				[]int64{1, 1, 1, 0, 2, 0, 1, 2, 1, 1, 2}},
			{"gender", []any{"female", "male", "other", "unknown"}, []int64{5, 5, 1, 1}},
			{"email_opt_in", []any{"opted in", "opted out", "unknown"}, []int64{6, 3, 3}},
			{"country", []any{"DE", "FR", "US", "GB", "unknown"}, []int64{5, 3, 2, 1, 1}},
			// c1's first order is order 1 (live), not order 2 (video) placed at the same instant.
			{"first_order_channel", []any{"live", "storefront", "email", "product_card", "video", "unknown", "lead"}, []int64{3, 3, 1, 1, 1, 1, 2}},
			{"store", []any{"online", "berlin", "unknown", "lead"}, []int64{8, 1, 1, 2}},
		} {
			f := first(t)(env.e.Segments(ctx, analytics.SegmentsQuery{Dimension: tc.dim}, env.p))
			wantColumn(t, f, tc.dim, tc.values)
			wantInts(t, f, "contacts", nil, tc.counts...)
		}
		// Leads are a value of their own for the order dimensions, not of the contact ones.
		f := first(t)(env.e.Segments(ctx, analytics.SegmentsQuery{Dimension: "frequency_score", Metric: "customers"}, env.p))
		wantFields(t, f, "frequency_score", "customers")
		wantInts(t, f, "customers", nil, 2, 2, 2, 2, 2, 0)
	})
}

func TestSegmentsMatrix(t *testing.T) {
	env := newSegmentsEnv(t)
	ctx := context.Background()
	t.Run("closed sets: every pair", func(t *testing.T) {
		f := first(t)(env.e.Segments(ctx, analytics.SegmentsQuery{View: "matrix", Dimension: "lifecycle_status", Dimension2: "email_engagement"}, env.p))
		wantFields(t, f, "lifecycle_status", "email_engagement", "contacts", "share")
		var status, engagement []any
		for _, s := range []string{"active", "at risk", "lapsed", "lead"} {
			for _, e := range []string{"none", "low", "medium", "high", "unknown"} {
				status, engagement = append(status, s), append(engagement, e)
			}
		}
		wantColumn(t, f, "lifecycle_status", status)
		wantColumn(t, f, "email_engagement", engagement)
		// active: c4 medium, c1 high, c5 c8 unknown · at risk: c2 none · lapsed: c7 none, c9 low,
		// c3 medium, c6 c10 unknown · lead: c20 high, c21 unknown.
		counts := []int64{0, 0, 1, 1, 2, 1, 0, 0, 0, 0, 1, 1, 1, 0, 2, 0, 0, 0, 1, 1}
		wantInts(t, f, "contacts", nil, counts...)
		shares := make([]any, len(counts))
		for i, n := range counts {
			shares[i] = float64(n) / 12
		}
		wantColumn(t, f, "share", shares)
	})
	t.Run("open set: the pairs that occur", func(t *testing.T) {
		f := first(t)(env.e.Segments(ctx, analytics.SegmentsQuery{View: "matrix", Dimension: "store", Dimension2: "lifecycle_status"}, env.p))
		wantColumn(t, f, "store", []any{"online", "online", "berlin", "unknown", "lead"})
		wantColumn(t, f, "lifecycle_status", []any{"active", "lapsed", "at risk", "active", "lead"})
		wantInts(t, f, "contacts", nil, 3, 5, 1, 1, 2)
		wantColumn(t, f, "share", []any{3.0 / 12, 5.0 / 12, 1.0 / 12, 1.0 / 12, 2.0 / 12})
	})
	t.Run("one metric", func(t *testing.T) {
		f := first(t)(env.e.Segments(ctx, analytics.SegmentsQuery{View: "matrix", Dimension: "gender", Dimension2: "value_band", Metric: "share"}, env.p))
		wantFields(t, f, "gender", "value_band", "share")
	})
}

func TestValueBandsSnapshot(t *testing.T) {
	env := newSegmentsEnv(t)
	ctx := context.Background()
	f := first(t)(env.e.ValueBands(ctx, analytics.ValueBandsQuery{}, env.p))
	wantFields(t, f, "value_band", "contacts", "share")
	wantColumn(t, f, "value_band", []any{"low", "medium", "high", "very high", "lead"})
	wantInts(t, f, "contacts", nil, 5, 3, 1, 1, 2)
	wantColumn(t, f, "share", []any{5.0 / 12, 3.0 / 12, 1.0 / 12, 1.0 / 12, 2.0 / 12})
	wantConfig(t, f, "contacts", "Total contacts", "short")

	r := first(t)(env.e.ValueBands(ctx, analytics.ValueBandsQuery{Measure: "revenue"}, env.p))
	wantFields(t, r, "value_band", "revenue", "share")
	wantColumn(t, r, "revenue", []any{425.0, 525.0, 250.0, 1500.0, 0.0})
	wantColumn(t, r, "share", []any{425.0 / 2700, 525.0 / 2700, 250.0 / 2700, 1500.0 / 2700, 0.0})
	wantConfig(t, r, "revenue", "Total revenue", "currencyUSD")

	// In one request the snapshots of one period share their statement, whatever they measure.
	var computed []string
	shared := requestshare.With(ctx, func(k string) { computed = append(computed, k) })
	for _, q := range []analytics.ValueBandsQuery{{}, {Measure: "revenue"}, {Measure: "contacts"}} {
		got := first(t)(env.e.ValueBands(shared, q, env.p))
		if diff := frameDiff(got, first(t)(env.e.ValueBands(ctx, q, env.p))); diff != "" {
			t.Errorf("%+v in one request: %s", q, diff)
		}
	}
	if len(computed) != 1 {
		t.Errorf("three snapshots of one period in one request ran %d statements, want 1: %q", len(computed), computed)
	}
	later := env.p
	later.To = later.To.Add(24 * time.Hour)
	if _, err := env.e.ValueBands(shared, analytics.ValueBandsQuery{}, later); err != nil || len(computed) != 2 {
		t.Errorf("another period: %v, %d statements, want 2", err, len(computed))
	}

	// Thresholds are settings: with edges 0.5 / 1 / 2, c1 (1.0, on the edge) and c2 (0.75) stay
	// medium, c7 (0.5, on the edge) and c8 (0.6) become medium, c3 (1.25) high, c4 (2.5) very high.
	s := analytics.DefaultShop()
	s.ValueBands = [3]float64{0.5, 1, 2}
	db := fixtureSQL(t, segmentsFixture)
	o := first(t)(analytics.New(db, s).ValueBands(ctx, analytics.ValueBandsQuery{}, env.p))
	// low c6 c9 c10 · medium c1 c2 c7 c8 · high c3 · very high c4 c5 · lead c20 c21.
	wantInts(t, o, "contacts", nil, 3, 4, 1, 2, 2)
}

func TestPersonas(t *testing.T) {
	env := newSegmentsEnv(t)
	ctx := context.Background()
	names := []any{"Champions", "Loyal customers", "Potential loyalists", "New customers", "Promising",
		"Need attention", "About to sleep", "At risk", "Can't lose them", "Hibernating"}

	t.Run("revenue by persona", func(t *testing.T) {
		// Champions c5 · Loyal c7 · Potential loyalists c1 · Promising c4 c8 · About to sleep c2 ·
		// At risk c3 c6 · Can't lose them c10 · Hibernating c9.
		f := first(t)(env.e.Personas(ctx, analytics.PersonasQuery{}, env.p))
		wantFields(t, f, "persona", "customers", "revenue", "revenue_share", "avg_clv", "avg_orders", "aov")
		wantColumn(t, f, "persona", names)
		wantInts(t, f, "customers", nil, 1, 1, 1, 0, 2, 0, 1, 2, 1, 1)
		wantColumn(t, f, "revenue", []any{1500.0, 150.0, 200.0, 0.0, 310.0, 0.0, 75.0, 350.0, 35.0, 80.0})
		wantColumn(t, f, "revenue_share", []any{1500.0 / 2700, 150.0 / 2700, 200.0 / 2700, 0.0, 310.0 / 2700, 0.0, 75.0 / 2700, 350.0 / 2700, 35.0 / 2700, 80.0 / 2700})
		wantColumn(t, f, "avg_clv", []any{1500.0, 150.0, 200.0, nil, 155.0, nil, 75.0, 175.0, 35.0, 80.0})
		wantColumn(t, f, "avg_orders", []any{5.0, 3.0, 2.0, nil, 1.0, nil, 1.0, 3.0, 6.0, 2.0})
		wantColumn(t, f, "aov", []any{300.0, 50.0, 100.0, nil, 155.0, nil, 75.0, 350.0 / 6, 35.0 / 6, 40.0})
		wantConfig(t, f, "revenue_share", "% of revenue", "percentunit")
	})

	t.Run("by stage", func(t *testing.T) {
		f := first(t)(env.e.Personas(ctx, analytics.PersonasQuery{View: "by_stage"}, env.p))
		wantFields(t, f, "persona", "stage", "customers")
		var persona, stage []any
		for _, n := range names {
			for _, s := range []string{"Active", "Lapsing", "Inactive"} {
				persona, stage = append(persona, n), append(stage, s)
			}
		}
		wantColumn(t, f, "persona", persona)
		wantColumn(t, f, "stage", stage)
		wantInts(t, f, "customers", nil,
			1, 0, 0, // Champions: c5
			0, 1, 0, // Loyal customers: c7
			1, 0, 0, // Potential loyalists: c1
			0, 0, 0, // New customers
			1, 1, 0, // Promising: c8, c4
			0, 0, 0, // Need attention
			0, 1, 0, // About to sleep: c2
			0, 0, 2, // At risk: c3, c6
			0, 0, 1, // Can't lose them: c10
			0, 0, 1, // Hibernating: c9
		)
	})

	t.Run("one request", func(t *testing.T) {
		// Revenue by persona and personas by stage read one statement in one request, and answer
		// as they do alone.
		var computed []string
		shared := requestshare.With(ctx, func(k string) { computed = append(computed, k) })
		for _, q := range []analytics.PersonasQuery{{}, {View: "by_stage"}, {View: "revenue"}} {
			got := first(t)(env.e.Personas(shared, q, env.p))
			if diff := frameDiff(got, first(t)(env.e.Personas(ctx, q, env.p))); diff != "" {
				t.Errorf("%+v in one request: %s", q, diff)
			}
		}
		if len(computed) != 1 {
			t.Errorf("the revenue and by-stage views of one period in one request ran %d statements, want 1: %q", len(computed), computed)
		}
	})

	t.Run("scores", func(t *testing.T) {
		f := first(t)(env.e.Personas(ctx, analytics.PersonasQuery{View: "scores"}, env.p))
		wantFields(t, f, "r", "f", "m", "persona", "customers", "share")
		if f.Rows() != 125 {
			t.Fatalf("%d rows, want 5 × 5 × 5", f.Rows())
		}
		want := map[[3]int64]bool{ // (R, F, M) of c1 … c10, one customer each
			{5, 3, 4}: true, {3, 2, 2}: true, {1, 3, 5}: true, {4, 1, 4}: true, {5, 5, 5}: true,
			{2, 4, 3}: true, {3, 4, 3}: true, {4, 1, 1}: true, {2, 2, 2}: true, {1, 5, 1}: true,
		}
		for i := 0; i < f.Rows(); i++ {
			k := [3]int64{f.Fields[0].At(i).(int64), f.Fields[1].At(i).(int64), f.Fields[2].At(i).(int64)}
			if wantK := [3]int64{int64(i/25 + 1), int64(i/5%5 + 1), int64(i%5 + 1)}; k != wantK {
				t.Fatalf("row %d is %v, want %v", i, k, wantK)
			}
			var n int64
			if want[k] {
				n = 1
			}
			wantEqual(t, "customers", f.Fields[4].At(i), n)
			if share := f.Fields[5].At(i).(*float64); share == nil || *share != float64(n)/10 {
				t.Errorf("share of %v: %v", k, share)
			}
			wantEqual(t, "persona", f.Fields[3].At(i), analytics.Persona(int(k[0]), int(k[1]), 5))
		}
	})

	t.Run("breakdown", func(t *testing.T) {
		f := first(t)(env.e.Personas(ctx, analytics.PersonasQuery{View: "breakdown", Metric: "revenue"}, env.p))
		wantFields(t, f, "persona", "revenue")
		wantColumn(t, f, "revenue", []any{1500.0, 150.0, 200.0, 0.0, 310.0, 0.0, 75.0, 350.0, 35.0, 80.0, 0.0})
	})

	t.Run("scale 3", func(t *testing.T) {
		// Tertiles (4, 3, 3) mapped onto the 5-grid as 1, 3, 5. R: c10 c3 c6 c9 → 1, c7 c2 c4 → 3,
		// c8 c5 c1 → 5. F: c8 c4 c2 c9 → 1, c3 c1 c7 → 3, c6 c5 c10 → 5.
		s := analytics.DefaultShop()
		s.RFMScale = 3
		e := analytics.New(fixtureSQL(t, segmentsFixture), s)
		f := first(t)(e.Personas(ctx, analytics.PersonasQuery{}, env.p))
		// R5: c8 F1 New customers, c5 F5 Champions, c1 F3 Potential loyalists. R3: c7 F3 Need
		// attention, c2 and c4 F1 About to sleep. R1: c10 and c6 F5 Can't lose them, c3 F3 At risk,
		// c9 F1 Hibernating.
		wantInts(t, f, "customers", nil, 1, 0, 1, 1, 0, 1, 2, 1, 2, 1)
		sc := first(t)(e.Personas(ctx, analytics.PersonasQuery{View: "scores"}, env.p))
		if sc.Rows() != 27 {
			t.Errorf("%d score rows, want 27", sc.Rows())
		}
	})
}

// TestPersonaGrid pins every cell of SPEC's R×F grid on the 5-point scale.
func TestPersonaGrid(t *testing.T) {
	const (
		ch = "Champions"
		lo = "Loyal customers"
		po = "Potential loyalists"
		ne = "New customers"
		pr = "Promising"
		na = "Need attention"
		ab = "About to sleep"
		ar = "At risk"
		cl = "Can't lose them"
		hi = "Hibernating"
	)
	grid := [5][5]string{ // grid[r-1][f-1]
		{hi, hi, ar, ar, cl}, // R 1
		{hi, hi, ar, ar, cl}, // R 2
		{ab, ab, na, lo, lo}, // R 3
		{pr, po, po, lo, lo}, // R 4
		{ne, po, po, ch, ch}, // R 5
	}
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			if got := analytics.Persona(r, f, 5); got != grid[r-1][f-1] {
				t.Errorf("R %d F %d: %s, want %s", r, f, got, grid[r-1][f-1])
			}
		}
	}
	// Other scales map each score to the 5-point cell holding the middle of its quantile range.
	for _, tc := range []struct {
		r, f, scale int
		want        string
	}{
		{1, 1, 3, hi}, {2, 2, 3, na}, {3, 3, 3, ch}, {3, 1, 3, ne}, {2, 3, 3, lo}, {1, 3, 3, cl},
		{10, 10, 10, ch}, {9, 7, 10, ch}, {9, 5, 10, po}, {10, 2, 10, ne}, {8, 1, 10, pr}, {6, 5, 10, na}, {2, 10, 10, cl},
		{4, 4, 4, ch}, {3, 3, 4, lo}, {2, 2, 4, hi}, {2, 3, 4, ar},
	} {
		if got := analytics.Persona(tc.r, tc.f, tc.scale); got != tc.want {
			t.Errorf("R %d F %d on %d: %s, want %s", tc.r, tc.f, tc.scale, got, tc.want)
		}
	}
}

func TestSegmentsBadInput(t *testing.T) {
	env := newSegmentsEnv(t)
	ctx := context.Background()
	p := env.p
	reversed := analytics.Period{From: p.To, To: p.From}
	empty := analytics.Period{From: p.To, To: p.To}
	for name, tc := range map[string]struct {
		run  func() error
		want string
	}{
		"segments view": {func() error { _, err := env.e.Segments(ctx, analytics.SegmentsQuery{View: "pie"}, p); return err }, "use breakdown or matrix"},
		"no dimension":  {func() error { _, err := env.e.Segments(ctx, analytics.SegmentsQuery{}, p); return err }, "choose a dimension: one of age_band, audience_state"},
		"unknown dimension": {func() error {
			_, err := env.e.Segments(ctx, analytics.SegmentsQuery{Dimension: "zodiac"}, p)
			return err
		}, `unknown dimension "zodiac": use one of`},
		"no second": {func() error {
			_, err := env.e.Segments(ctx, analytics.SegmentsQuery{View: "matrix", Dimension: "gender"}, p)
			return err
		}, "needs a second dimension"},
		"unknown second": {func() error {
			_, err := env.e.Segments(ctx, analytics.SegmentsQuery{View: "matrix", Dimension: "gender", Dimension2: "mood"}, p)
			return err
		}, `unknown dimension "mood"`},
		"same twice": {func() error {
			_, err := env.e.Segments(ctx, analytics.SegmentsQuery{View: "matrix", Dimension: "gender", Dimension2: "gender"}, p)
			return err
		}, "gender is chosen twice"},
		"unknown metric": {func() error {
			_, err := env.e.Segments(ctx, analytics.SegmentsQuery{Dimension: "gender", Metric: "profit"}, p)
			return err
		}, `unknown metric "profit": use one of contacts, customers`},
		"reversed": {func() error {
			_, err := env.e.Segments(ctx, analytics.SegmentsQuery{Dimension: "gender"}, reversed)
			return err
		}, "empty or reversed"},
		"empty": {func() error { _, err := env.e.Personas(ctx, analytics.PersonasQuery{}, empty); return err }, "empty or reversed"},
		"missing": {func() error {
			_, err := env.e.ValueBands(ctx, analytics.ValueBandsQuery{}, analytics.Period{})
			return err
		}, "time range is missing"},
		"value bands view": {func() error { _, err := env.e.ValueBands(ctx, analytics.ValueBandsQuery{View: "trend"}, p); return err }, "use snapshot or breakdown"},
		"value band measure": {func() error {
			_, err := env.e.ValueBands(ctx, analytics.ValueBandsQuery{Measure: "orders"}, p)
			return err
		}, "use contacts or revenue"},
		"personas view": {func() error { _, err := env.e.Personas(ctx, analytics.PersonasQuery{View: "grid"}, p); return err }, "use revenue, by_stage, breakdown or scores"},
		"persona metric": {func() error {
			_, err := env.e.Personas(ctx, analytics.PersonasQuery{View: "breakdown", Metric: "x"}, p)
			return err
		}, `unknown metric "x"`},
	} {
		err := tc.run()
		if !analytics.IsQueryError(err) {
			t.Errorf("%s: want a query error, got %v", name, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %q does not say %q", name, err, tc.want)
		}
	}
}

func TestSegmentsWithoutEmailEvents(t *testing.T) {
	db := fixtureSQL(t, `DROP TABLE email_events;`+segmentsFixture[:strings.Index(segmentsFixture, "INSERT INTO email_events")])
	e := analytics.New(db, analytics.DefaultShop())
	to := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	p := analytics.Period{From: to.AddDate(0, 0, -1), To: to}
	ctx := context.Background()
	// Every other dimension works without email_events.
	f := first(t)(e.Segments(ctx, analytics.SegmentsQuery{View: "matrix", Dimension: "persona", Dimension2: "gender"}, p))
	wantEqual(t, "contacts", sumInts(f, "contacts"), int64(12))
	_, err := e.Segments(ctx, analytics.SegmentsQuery{Dimension: "email_engagement"}, p)
	if !analytics.IsQueryError(err) || !strings.Contains(err.Error(), `relation "email_events" does not exist`) {
		t.Errorf("want a query error naming email_events, got %v", err)
	}
}
