package analytics_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
)

// clvShopSQL is a UTC shop big enough to fit: 80 customers who first bought in September 2025,
// three in four of them again every few weeks, and extra, the statements of further orders.
// Every customer of these orders has a customers row; extra may name others.
func clvShopSQL(extra ...string) string {
	var b strings.Builder
	b.WriteString("INSERT INTO customers (customer_id, created_at) SELECT g, '2020-01-01Z' FROM generate_series(100, 179) g;\n")
	b.WriteString("INSERT INTO customers (customer_id, created_at) VALUES (1, '2020-01-01Z'), (2, '2020-01-01Z'), (3, '2020-01-01Z');\n")
	id := 1
	add := func(c int64, at time.Time, total float64) {
		fmt.Fprintf(&b, "INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total) VALUES (%d, %d, '%s', true, %g);\n", id, c, at.Format(time.RFC3339), total)
		id++
	}
	start := time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)
	for c := int64(100); c < 180; c++ {
		first := start.AddDate(0, 0, int(c%30))
		add(c, first, float64(20+c%17))
		for k := int64(1); k <= 3*(c%4); k++ {
			add(c, first.AddDate(0, 0, int(k*(15+c%40))), float64(10+(c*k)%23))
		}
	}
	// On 1 January 2026, the holdout's start in the tests: customer 1 buys before and after noon,
	// customer 2 before noon only, customer 3 after noon only; all bought before.
	d := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for c := int64(1); c <= 3; c++ {
		add(c, d.AddDate(0, -2, int(c)), 30)
		add(c, d.AddDate(0, -1, int(c)), 40)
	}
	add(1, d.Add(9*time.Hour), 25)
	add(1, d.Add(15*time.Hour), 35)
	add(2, d.Add(9*time.Hour), 45)
	add(3, d.Add(15*time.Hour), 55)
	add(3, d.AddDate(0, 0, 20), 15)
	for _, s := range extra {
		b.WriteString(s)
		b.WriteString("\n")
	}
	return b.String()
}

// frameValues is a frame's field values by name, without the fit's timings.
func frameValues(t *testing.T, f *frameT) map[string][]any {
	t.Helper()
	out := map[string][]any{}
	n, _ := f.RowLen()
	for _, fd := range f.Fields {
		if fd.Name == "fit_seconds" || fd.Name == "read_seconds" {
			continue
		}
		for i := 0; i < n; i++ {
			v := fd.At(i)
			if p, ok := v.(*float64); ok && p != nil {
				v = *p
			}
			out[fd.Name] = append(out[fd.Name], v)
		}
	}
	return out
}

var (
	clvTestTo   = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	clvTestFrom = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

// clvViews answers the predicted-CLV views of the shop of db, by name.
func clvViews(t *testing.T, db analytics.Reader) map[string]map[string][]any {
	t.Helper()
	e := analytics.New(db, analytics.DefaultShop())
	defer e.Close()
	ctx := context.Background()
	p := analytics.Period{From: clvTestTo.AddDate(0, 0, -30), To: clvTestTo}
	out := map[string]map[string][]any{}
	for name, c := range map[string]struct {
		q analytics.CLVQuery
		p analytics.Period
	}{
		"fit":        {analytics.CLVQuery{View: "fit"}, p},
		"total":      {analytics.CLVQuery{View: "total"}, p},
		"customers":  {analytics.CLVQuery{Limit: 1000}, p},
		"at_risk":    {analytics.CLVQuery{View: "at_risk", Limit: 1000, MaxProbabilityAlive: ptr(1)}, p},
		"segments":   {analytics.CLVQuery{View: "segments", Dimension: "email_opt_in"}, p},
		"by_persona": {analytics.CLVQuery{View: "segments", Dimension: "persona"}, p},
		"holdout":    {analytics.CLVQuery{View: "holdout"}, analytics.Period{From: clvTestFrom, To: clvTestTo}},
	} {
		fs, err := e.CLV(ctx, c.q, c.p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = frameValues(t, fs[0])
	}
	return out
}

// TestCLVOrphanOrdersCountNowhere: orders whose customer has no customers row count nowhere, as in
// the rest of the product (audience_test.go's customer 99): adding a frequent buyer with no
// customers row changes no predicted-CLV view, neither the fit nor the customers counted, and
// every view counts the same customers.
func TestCLVOrphanOrdersCountNowhere(t *testing.T) {
	base := clvViews(t, fixtureSQL(t, clvShopSQL()))
	var orphan []string
	for k := 0; k < 40; k++ {
		orphan = append(orphan, fmt.Sprintf("INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total) VALUES (%d, 999, '%s', true, 500);",
			100000+k, time.Date(2025, 9, 3, 10, 0, 0, 0, time.UTC).AddDate(0, 0, 5*k).Format(time.RFC3339)))
	}
	with := clvViews(t, fixtureSQL(t, clvShopSQL(orphan...)))
	for name, v := range base {
		for field, vals := range v {
			if !sameValues(vals, with[name][field]) {
				t.Errorf("%s.%s: %v without the orphan orders, %v with them", name, field, vals, with[name][field])
			}
		}
	}
	customers := base["total"]["customers"][0].(int64)
	if customers != 83 {
		t.Errorf("total: %d customers, want 83", customers)
	}
	if n := int64(len(base["customers"]["customer_id"])); n != customers {
		t.Errorf("customers view: %d customers, total %d", n, customers)
	}
	for _, seg := range []string{"segments", "by_persona"} {
		var sum int64
		for _, n := range base[seg]["customers"] {
			sum += n.(int64)
		}
		if sum != customers {
			t.Errorf("%s: %d customers, total %d", seg, sum, customers)
		}
	}
}

// TestCLVHoldoutMidDayStart: a holdout whose range starts mid-day (Grafana's "Last 90 days")
// starts at that day's midnight, the calibration's end: every order is in exactly one of the
// calibration and the holdout, and the holdout's length is the time it covers. It answers as the
// range starting at that midnight does, and its purchases are counted independently here: on
// 1 January, customers 1 (before and after noon), 2 (before) and 3 (after) make one purchase each.
func TestCLVHoldoutMidDayStart(t *testing.T) {
	db := fixtureSQL(t, clvShopSQL())
	e := analytics.New(db, analytics.DefaultShop())
	defer e.Close()
	ctx := context.Background()
	holdout := func(p analytics.Period) (map[string][]any, map[string]string) {
		fs, err := e.CLV(ctx, analytics.CLVQuery{View: "holdout"}, p)
		if err != nil {
			t.Fatal(err)
		}
		return frameValues(t, fs[0]), fs[0].Meta.Custom.(map[string]string)
	}
	atMidnight, metaMidnight := holdout(analytics.Period{From: clvTestFrom, To: clvTestTo})
	midDay, metaMidDay := holdout(analytics.Period{From: clvTestFrom.Add(12 * time.Hour), To: clvTestTo})
	if !reflect.DeepEqual(atMidnight, midDay) {
		t.Errorf("starting at noon: %v; at midnight: %v", midDay, atMidnight)
	}
	if metaMidDay["holdout_days"] != "90" || metaMidDay["model_day"] != "2025-12-31" || metaMidnight["holdout_days"] != "90" {
		t.Errorf("noon: %v; midnight: %v; want 90 holdout days after the fit of 2025-12-31", metaMidDay, metaMidnight)
	}
	// The holdout purchases, counted from the fixture: customers 1–3 on 1 January (one each) and
	// customer 3 on 21 January, and the regular customers' repeat days from 1 January on.
	want := 4.0
	start := time.Date(2025, 9, 1, 12, 0, 0, 0, time.UTC)
	for c := int64(100); c < 180; c++ {
		first := start.AddDate(0, 0, int(c%30))
		for k := int64(1); k <= 3*(c%4); k++ {
			if at := first.AddDate(0, 0, int(k*(15+c%40))); !at.Before(clvTestFrom) && at.Before(clvTestTo) {
				want++
			}
		}
	}
	all := len(midDay["actual_purchases"]) - 1
	if got := midDay["actual_purchases"][all].(float64); got != want {
		t.Errorf("holdout purchases %v, want %v", got, want)
	}
	// A range ending mid-day counts that day's elapsed fraction.
	_, meta := holdout(analytics.Period{From: clvTestFrom.Add(12 * time.Hour), To: clvTestTo.Add(-6 * time.Hour)})
	if meta["holdout_days"] != "89.75" {
		t.Errorf("holdout to 18:00: %s days, want 89.75", meta["holdout_days"])
	}
}

// TestCLVFitDependsOnlyOnItsDay: the fit answering a range depends on its day alone, not on which
// request came first. A range ending at 06:00 on 30 September (CDNOW: orders at noon) is answered
// by the fit of 29 September, which reads no order at or after the range's end; a range ending at
// midnight on 1 October then gets the full calibration fit, as on a fresh engine.
func TestCLVFitDependsOnlyOnItsDay(t *testing.T) {
	ctx := context.Background()
	fitOf := func(e *analytics.Engine, to time.Time) map[string][]any {
		fs, err := e.CLV(ctx, analytics.CLVQuery{View: "fit"}, analytics.Period{From: to.AddDate(0, 0, -7), To: to})
		if err != nil {
			t.Fatal(err)
		}
		v := frameValues(t, fs[0])
		return v
	}
	fresh, _ := cdnowEngine(t)
	want := fitOf(fresh, cdnowCalEnd)
	e, _ := cdnowEngine(t)
	early := fitOf(e, time.Date(1997, 9, 30, 6, 0, 0, 0, time.UTC))
	if early["model_day"][0] != "1997-09-29" {
		t.Errorf("a range ending at 06:00 on 30 September is answered by the fit of %v, want 1997-09-29", early["model_day"][0])
	}
	// The first request for 30 September may borrow the fit of the 29th while its own runs.
	got := fitOf(e, cdnowCalEnd)
	for deadline := time.Now().Add(time.Minute); got["model_day"][0] != "1997-09-30" && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		got = fitOf(e, cdnowCalEnd)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after a request ending at 06:00 on 30 September, the fit as of 1 October is %v, fresh %v", got, want)
	}
	// The 29 September fit equals the fit of a range ending at that day's end.
	if mid := fitOf(fresh, time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)); !reflect.DeepEqual(mid, early) {
		t.Errorf("the fit for 06:00 on 30 September %v, for midnight %v", early, mid)
	}
}

// sameValues compares two columns, floats to 1e-12 of their size: a sum over the same customers
// in another order (a hash table grown by the orphan's rows) may differ in its last bit.
func sameValues(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, xok := asFloat(a[i])
		y, yok := asFloat(b[i])
		if xok && yok {
			if math.Abs(x-y) > 1e-12*math.Max(1, math.Max(math.Abs(x), math.Abs(y))) {
				return false
			}
			continue
		}
		if !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

func asFloat(v any) (float64, bool) {
	switch f := v.(type) {
	case float64:
		return f, true
	case *float64:
		if f != nil {
			return *f, true
		}
	}
	return 0, false
}

// TestCustomerReportPredictsItsWholeScope: the customer report's predicted CLV sums its scope, the
// customers with a valid order in the period, as its other key metrics do, so a customer id with
// no customers row is in it (definitions.md, orphan orders), predicted by the model fitted on the
// contacts. Customer 999 has no customers row and exactly customer 3's orders, so its prediction is
// customer 3's, read from the CLV customers view, which lists contacts only. In both statement
// forms: UTC reads order_history, New York (whose days the UTC-built history cannot give) orders.
func TestCustomerReportPredictsItsWholeScope(t *testing.T) {
	var copy3 []string
	d := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for k, o := range []struct {
		at    time.Time
		total float64
	}{{d.AddDate(0, -2, 3), 30}, {d.AddDate(0, -1, 3), 40}, {d.Add(15 * time.Hour), 55}, {d.AddDate(0, 0, 20), 15}} {
		copy3 = append(copy3, fmt.Sprintf("INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total) VALUES (%d, 999, '%s', true, %g);",
			200000+k, o.at.Format(time.RFC3339), o.total))
	}
	ny, _ := time.LoadLocation("America/New_York")
	for _, loc := range []*time.Location{time.UTC, ny} {
		t.Run(loc.String(), func(t *testing.T) {
			shop := analytics.DefaultShop()
			shop.Location = loc
			p := analytics.Period{From: time.Date(2026, 1, 1, 0, 0, 0, 0, loc), To: time.Date(2026, 4, 1, 0, 0, 0, 0, loc)}
			report := func(db analytics.Reader) (customers int64, clv, revenue float64, pred3 float64) {
				e := analytics.New(db, shop)
				defer e.Close()
				ctx := context.Background()
				fs, err := e.Customers(ctx, analytics.CustomersQuery{View: "summary", Comparison: "none"}, p, 24*time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				customers = fieldValue(t, fs[0], "customers", 0).(int64)
				clv = *fieldValue(t, fs[0], "predicted_clv", 0).(*float64)
				revenue = *fieldValue(t, fs[0], "predicted_revenue", 0).(*float64)
				cs, err := e.CLV(ctx, analytics.CLVQuery{Limit: 1000}, p)
				if err != nil {
					t.Fatal(err)
				}
				pred3 = math.NaN()
				for i, id := range frameValues(t, cs[0])["customer_id"] {
					if id == "3" {
						pred3 = fieldValue(t, cs[0], "predicted_clv", i).(float64)
					}
				}
				return customers, clv, revenue, pred3
			}
			n, _, rev, pred3 := report(fixtureSQL(t, clvShopSQL()))
			nWith, clvWith, revWith, pred3With := report(fixtureSQL(t, clvShopSQL(copy3...)))
			if math.IsNaN(pred3) || pred3 <= 0 || pred3With != pred3 {
				t.Fatalf("customer 3's prediction %v, %v with customer 999 (the fit must not see it)", pred3, pred3With)
			}
			if nWith != n+1 {
				t.Errorf("report customers %d with customer 999, %d without: want one more", nWith, n)
			}
			within(t, "predicted revenue with customer 999", revWith, rev+pred3, 1e-9)
			within(t, "predicted CLV with customer 999", clvWith, revWith/float64(nWith), 1e-12)
		})
	}
}
