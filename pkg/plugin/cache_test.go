package plugin

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// Identical queries from many panels and viewers are computed once while the result is fresh;
// another range, another option or an error is computed on its own.
func TestResultCache(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, dsn, `INSERT INTO commerce.customers (customer_id, created_at) VALUES (1, '2025-01-01Z');
INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total) VALUES (1, 1, '2026-03-03Z', true, 10);`)
	js := settingsFor(t, dsn)
	js["cacheTTLSeconds"] = 600
	d := newInstance(t, js)
	q := func(ref, js string, rng backend.TimeRange) backend.DataQuery {
		return backend.DataQuery{RefID: ref, QueryType: "buyers", JSON: []byte(js), TimeRange: rng}
	}
	var wg sync.WaitGroup
	for i := 0; i < 30; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// Different panels: other refIds and editor fields, the same question.
			ref := string(rune('A' + i%26))
			resp, err := d.QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{
				q(ref, `{"refId":"`+ref+`","view":"summary","datasource":{"uid":"x"},"intervalMs":60000}`, week),
			}})
			if err != nil || resp.Responses[ref].Error != nil || resp.Responses[ref].Frames[0].RefID != ref {
				t.Errorf("request %d: %v %v", i, err, resp.Responses[ref])
			}
		}(i)
	}
	wg.Wait()
	if n := d.computed.Load(); n != 1 {
		t.Fatalf("30 identical queries computed %d times", n)
	}
	query(t, d, q("B", `{"view":"summary"}`, week))
	if n := d.computed.Load(); n != 1 {
		t.Fatalf("a fresh result was computed again (%d)", n)
	}
	query(t, d, q("C", `{"view":"summary"}`, backend.TimeRange{From: week.From.Add(time.Hour), To: week.To}))
	query(t, d, q("D", `{"view":"summary","comparison":"none"}`, week))
	if n := d.computed.Load(); n != 3 {
		t.Fatalf("another range and another option: %d computations, want 3", n)
	}
	for i := 0; i < 2; i++ {
		if r := query(t, d, q("E", `{"view":"pie"}`, week)).Responses["E"]; r.Error == nil {
			t.Fatal("bad view answered")
		}
	}
	if n := d.computed.Load(); n != 5 {
		t.Fatalf("errors must not be cached: %d computations, want 5", n)
	}
}

// The channel rankings of one request (a dashboard's LIVE, video and repeat-revenue panels) share
// one statement, with the result cache off too; the next request computes again.
func TestRequestSharesTheChannelFigures(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, dsn, `SET search_path TO commerce;
INSERT INTO accounts VALUES (1, 'Official', 'official');
INSERT INTO content VALUES (10, 1, 'live', 'Spring LIVE', 'beauty', '2026-03-01Z'), (11, 1, 'video', 'Lip tutorial', 'beauty', '2026-03-01Z');
INSERT INTO customers (customer_id, created_at) VALUES (1, '2025-01-01Z'), (2, '2025-01-01Z');
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total, content_id) VALUES
  (1, 1, '2026-01-10Z', true, 5, NULL), (2, 1, '2026-03-03Z', true, 10, 10), (3, 2, '2026-03-04Z', true, 30, 11);`)
	js := settingsFor(t, dsn)
	js["cacheTTLSeconds"] = 0
	d := newInstance(t, js)
	q := func(ref, js string) backend.DataQuery {
		return backend.DataQuery{RefID: ref, QueryType: "buyers", JSON: []byte(js), TimeRange: week}
	}
	panels := []backend.DataQuery{
		q("A", `{"view":"channels","contentKind":"live","rankBy":"all","topN":10}`),
		q("B", `{"view":"channels","contentKind":"video","rankBy":"all","topN":10}`),
		q("C", `{"view":"channels","contentKind":"","rankBy":"repeat","topN":10}`),
	}
	want := map[string][]string{"A": {"10"}, "B": {"11"}, "C": {"10", "11"}} // c1 repeat (January), c2 new
	check := func(resp *backend.QueryDataResponse) {
		t.Helper()
		for ref, ids := range want {
			r := resp.Responses[ref]
			if r.Error != nil || len(r.Frames) != 1 {
				t.Fatalf("%s: %v", ref, r.Error)
			}
			f, _ := r.Frames[0].FieldByName("content_id")
			var got []string
			for i := 0; i < f.Len(); i++ {
				got = append(got, f.At(i).(string))
			}
			if strings.Join(got, ",") != strings.Join(ids, ",") {
				t.Errorf("%s: content %v, want %v", ref, got, ids)
			}
		}
	}
	check(query(t, d, panels...))
	if n := d.shared.Load(); n != 1 {
		t.Errorf("three channel panels in one request ran %d shared statements, want 1", n)
	}
	if n := d.computed.Load(); n != 3 {
		t.Errorf("%d queries computed, want 3 (each its own ranking)", n)
	}
	check(query(t, d, panels...))
	if n := d.shared.Load(); n != 2 {
		t.Errorf("the next request: %d shared statements in all, want 2", n)
	}
}

// The as-of panels that differ only in the fields they keep (a breakdown's table and its bar
// chart of one metric, the value bands' contacts and revenue, the personas' revenue and stages)
// share one statement each in a request, with the result cache on: their queries differ, so the
// cache alone would compute each.
func TestRequestSharesTheAsOfFigures(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, dsn, `SET search_path TO commerce;
INSERT INTO customers (customer_id, created_at) VALUES (1, '2025-01-01Z'), (2, '2025-01-01Z'), (3, '2026-03-01Z');
INSERT INTO orders (order_id, customer_id, placed_at, is_valid, total) VALUES
  (1, 1, '2026-01-10Z', true, 5), (2, 1, '2026-03-03Z', true, 10), (3, 2, '2026-03-04Z', true, 30);`)
	d := newInstance(t, settingsFor(t, dsn))
	q := func(ref, qt, js string) backend.DataQuery {
		return backend.DataQuery{RefID: ref, QueryType: qt, JSON: []byte(js), TimeRange: week}
	}
	resp := query(t, d,
		q("A", "segments", `{"view":"breakdown","dimension":"lifecycle_status"}`),
		q("B", "segments", `{"view":"breakdown","dimension":"lifecycle_status","metric":"contacts"}`),
		q("C", "value_bands", `{"view":"snapshot","measure":"contacts"}`),
		q("D", "value_bands", `{"view":"snapshot","measure":"revenue"}`),
		q("E", "personas", `{"view":"revenue"}`),
		q("F", "personas", `{"view":"by_stage"}`),
		q("G", "segments", `{"view":"breakdown","dimension":"lifecycle_status","metric":"profit"}`),
	)
	for _, ref := range []string{"A", "B", "C", "D", "E", "F"} {
		if r := resp.Responses[ref]; r.Error != nil || len(r.Frames) != 1 {
			t.Fatalf("%s: %v", ref, r.Error)
		}
	}
	// A bad metric fails alone, with the list to choose from, though its figures were shared.
	if r := resp.Responses["G"]; r.Error == nil || !strings.Contains(r.Error.Error(), `unknown metric "profit": use one of contacts`) {
		t.Errorf("G: %v, want the unknown metric named", r.Error)
	}
	// B keeps the metric alone; A every field. Both count the same contacts: c1 and c2 active, c3 a lead.
	for _, ref := range []string{"A", "B"} {
		f, _ := resp.Responses[ref].Frames[0].FieldByName("contacts")
		var n int64
		for i := 0; i < f.Len(); i++ {
			n += f.At(i).(int64)
		}
		if n != 3 {
			t.Errorf("%s: %d contacts, want 3", ref, n)
		}
	}
	if n := len(resp.Responses["B"].Frames[0].Fields); n != 2 {
		t.Errorf("B keeps %d fields, want 2 (the dimension and the metric)", n)
	}
	if n := d.shared.Load(); n != 3 {
		t.Errorf("six as-of panels of three figures in one request ran %d shared statements, want 3", n)
	}
	if n := d.computed.Load(); n != 7 {
		t.Errorf("%d queries computed, want 7 (different queries, so no cache hit)", n)
	}
}
