package analytics_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
)

// The buyers fixture, in a New York shop. The week [Mon 2 Mar, Mon 9 Mar 2026) local contains the
// start of daylight-saving time (8 Mar), so it is 167 hours long; the previous period is the local
// week before it. Counted by hand:
//
//	current:  c1 repeat 100 · c2 new 50 · c4 new 30 · c6 repeat 20+5 · c8 repeat 60
//	          → new 2 buyers / 80, repeat 3 / 185, all 5 / 265
//	previous: c5 new 10 · c7 new 15 · c8 repeat 40 → new 2 / 25, repeat 1 / 40, all 3 / 65
func buyersFixture(t *testing.T) []order {
	ny := mustLoc(t, "America/New_York")
	at := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, ny) }
	return []order{
		// c1: repeat, bought last June.
		{1, at(2025, 6, 1, 12, 0), true, 70},
		{1, at(2026, 3, 3, 10, 0), true, 100},
		// c2: first ever order in the period.
		{2, at(2026, 3, 4, 9, 0), true, 50},
		// c3: only invalid orders: never a buyer.
		{3, at(2026, 3, 4, 9, 0), false, 500},
		{3, at(2025, 12, 4, 9, 0), false, 80},
		// c4: last valid order one minute before the 365-day look-back; an invalid one inside it.
		{4, at(2025, 3, 1, 23, 59), true, 45},
		{4, at(2025, 10, 1, 8, 0), false, 45},
		{4, at(2026, 3, 6, 18, 0), true, 30},
		// c5: one order exactly at the period's end (excluded), one in the previous period.
		{5, at(2026, 3, 9, 0, 0), true, 999},
		{5, at(2026, 2, 27, 13, 0), true, 10},
		// c6: orders at the period's first instant and later; one exactly at the look-back start.
		{6, at(2025, 3, 2, 0, 0), true, 12},
		{6, at(2026, 3, 2, 0, 0), true, 20},
		{6, at(2026, 3, 5, 0, 0), true, 5},
		// c7: 23:30 on 1 Mar in New York is already 2 Mar in UTC: a previous-period order here.
		{7, at(2026, 3, 1, 23, 30), true, 15},
		// c8: repeat in both periods.
		{8, at(2025, 12, 1, 12, 0), true, 33},
		{8, at(2026, 2, 25, 12, 0), true, 40},
		{8, at(2026, 3, 4, 12, 0), true, 60},
	}
}

func TestBuyersSummaryFixture(t *testing.T) {
	ny := mustLoc(t, "America/New_York")
	db := fixtureDB(t, buyersFixture(t))
	shop := analytics.DefaultShop()
	shop.Location = ny
	week := analytics.Period{From: time.Date(2026, 3, 2, 0, 0, 0, 0, ny), To: time.Date(2026, 3, 9, 0, 0, 0, 0, ny)}
	if h := week.To.Sub(week.From).Hours(); h != 167 {
		t.Fatalf("fixture week is %v hours, want 167 (DST)", h)
	}
	ctx := context.Background()

	t.Run("previous period", func(t *testing.T) {
		frames, err := analytics.New(db, shop).Buyers(ctx, analytics.BuyersQuery{}, week, 0)
		if err != nil {
			t.Fatal(err)
		}
		f := frames[0]
		wantColumn(t, f, "group", []any{"New buyers", "Repeat buyers", "All buyers"})
		wantColumn(t, f, "buyers", []any{int64(2), int64(3), int64(5)})
		wantColumn(t, f, "buyer_share", []any{0.4, 0.6, 1.0})
		wantColumn(t, f, "revenue", []any{80.0, 185.0, 265.0})
		wantColumn(t, f, "revenue_share", []any{80.0 / 265, 185.0 / 265, 1.0})
		wantColumn(t, f, "buyers_previous", []any{int64(2), int64(1), int64(3)})
		wantColumn(t, f, "buyers_change", []any{0.0, 2.0, 2.0 / 3})
		wantColumn(t, f, "buyer_share_previous", []any{2.0 / 3, 1.0 / 3, 1.0})
		wantColumn(t, f, "revenue_previous", []any{25.0, 40.0, 65.0})
		wantColumn(t, f, "revenue_change", []any{80.0/25 - 1, 185.0/40 - 1, 265.0/65 - 1})
		wantColumn(t, f, "revenue_share_previous", []any{25.0 / 65, 40.0 / 65, 1.0})
		if f.Meta == nil || f.Meta.ExecutedQueryString == "" {
			t.Error("frame lacks the executed SQL")
		}
		if u := f.Fields[3].Config.Unit; u != "currencyUSD" {
			t.Errorf("revenue unit %q", u)
		}
		if got := f.Meta.Custom.(map[string]string)["comparison"]; got != "[2026-02-23T00:00:00-05:00, 2026-03-02T00:00:00-05:00)" {
			t.Errorf("comparison range %s", got)
		}
	})

	t.Run("all history look-back", func(t *testing.T) {
		s := shop
		s.NewBuyerLookbackDays = 0
		frames, err := analytics.New(db, s).Buyers(ctx, analytics.BuyersQuery{Comparison: analytics.NoComparison}, week, 0)
		if err != nil {
			t.Fatal(err)
		}
		// c4's order of March 2025 now counts: only c2 is new.
		wantColumn(t, frames[0], "buyers", []any{int64(1), int64(4), int64(5)})
		wantColumn(t, frames[0], "revenue", []any{50.0, 215.0, 265.0})
		if _, i := frames[0].FieldByName("buyers_previous"); i >= 0 {
			t.Error("no comparison asked, but previous fields present")
		}
	})

	t.Run("UTC days", func(t *testing.T) {
		// The same calendar week read in UTC: c7's order (04:30Z on 2 Mar) moves into the period
		// (new), c5's (04:00Z on 9 Mar) stays out, and c4's old order (04:59Z on 2 Mar 2025) falls
		// inside the UTC look-back, so c4 is now repeat: new c2, c7; repeat c1, c4, c6, c8.
		s := shop
		s.Location = time.UTC
		utcWeek := analytics.Period{From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)}
		frames, err := analytics.New(db, s).Buyers(ctx, analytics.BuyersQuery{Comparison: analytics.NoComparison}, utcWeek, 0)
		if err != nil {
			t.Fatal(err)
		}
		wantColumn(t, frames[0], "buyers", []any{int64(2), int64(4), int64(6)})
	})

	t.Run("empty period", func(t *testing.T) {
		empty := analytics.Period{From: time.Date(2024, 1, 1, 0, 0, 0, 0, ny), To: time.Date(2024, 1, 8, 0, 0, 0, 0, ny)}
		frames, err := analytics.New(db, shop).Buyers(ctx, analytics.BuyersQuery{}, empty, 0)
		if err != nil {
			t.Fatal(err)
		}
		wantColumn(t, frames[0], "buyers", []any{int64(0), int64(0), int64(0)})
		wantColumn(t, frames[0], "buyer_share", []any{nil, nil, nil})
		wantColumn(t, frames[0], "buyers_change", []any{nil, nil, nil})
	})

	t.Run("offset comparison", func(t *testing.T) {
		frames, err := analytics.New(db, shop).Buyers(ctx, analytics.BuyersQuery{Comparison: analytics.Offset7Days}, week, 0)
		if err != nil {
			t.Fatal(err)
		}
		wantColumn(t, frames[0], "buyers_previous", []any{int64(2), int64(1), int64(3)})
	})

	t.Run("bad input", func(t *testing.T) {
		e := analytics.New(db, shop)
		for name, tc := range map[string]struct {
			q analytics.BuyersQuery
			p analytics.Period
		}{
			"unknown view":       {analytics.BuyersQuery{View: "nope"}, week},
			"unknown comparison": {analytics.BuyersQuery{Comparison: "yesterday"}, week},
			"reversed range":     {analytics.BuyersQuery{}, analytics.Period{From: week.To, To: week.From}},
			"empty range":        {analytics.BuyersQuery{}, analytics.Period{From: week.From, To: week.From}},
			"100-year range":     {analytics.BuyersQuery{}, analytics.Period{From: week.From.AddDate(-100, 0, 0), To: week.To}},
		} {
			_, err := e.Buyers(ctx, tc.q, tc.p, 0)
			if !analytics.IsQueryError(err) {
				t.Errorf("%s: want a query error, got %v", name, err)
			}
		}
	})
}

// wantColumn compares a field's values with want (nil for null), floats to 1e-9.
func wantColumn(t *testing.T, f *data.Frame, name string, want []any) {
	t.Helper()
	field, _ := f.FieldByName(name)
	if field == nil {
		t.Errorf("field %s missing", name)
		return
	}
	if field.Len() != len(want) {
		t.Errorf("%s: %d rows, want %d", name, field.Len(), len(want))
		return
	}
	for i, w := range want {
		got := field.At(i)
		switch p := got.(type) {
		case *float64:
			if p == nil {
				got = nil
			} else {
				got = *p
			}
		case *int64:
			if p == nil {
				got = nil
			} else {
				got = *p
			}
		}
		switch w := w.(type) {
		case nil:
			if got != nil {
				t.Errorf("%s[%d] = %v, want null", name, i, got)
			}
		case float64:
			g, ok := got.(float64)
			if !ok || math.Abs(g-w) > 1e-9 {
				t.Errorf("%s[%d] = %v, want %v", name, i, got, w)
			}
		default:
			if got != w {
				t.Errorf("%s[%d] = %v, want %v", name, i, got, w)
			}
		}
	}
}

// A shop's view that gives a NULL order total (the contract says not null) gets an error that
// says what to do, not pgx's bare scan error.
func TestNullTotalGivesAClearError(t *testing.T) {
	db := fixtureSQL(t, `ALTER TABLE orders ALTER COLUMN total DROP NOT NULL;
INSERT INTO customers (customer_id, created_at) VALUES (1, '2026-01-01Z');
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total) VALUES (1, 1, '2026-03-02 10:00Z', true, NULL);`)
	e := analytics.New(db, analytics.DefaultShop())
	p := analytics.Period{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)}
	_, err := e.Buyers(context.Background(), analytics.BuyersQuery{View: "summary"}, p, 0)
	if !analytics.IsQueryError(err) || !contains(err.Error(), "coalesce(total, 0)") {
		t.Fatalf("want a query error saying to map NULL totals, got %v", err)
	}
}
