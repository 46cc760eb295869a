package analytics_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
)

func TestLists(t *testing.T) {
	db := fixtureSQL(t, buyersViewsFixture+`
UPDATE orders SET store_id = 'berlin' WHERE order_id IN (2, 3);
UPDATE orders SET store_id = 'online' WHERE order_id = 1;`)
	e := analytics.New(db, analytics.DefaultShop())
	ctx := context.Background()
	for _, tc := range []struct {
		q    analytics.ListQuery
		want []analytics.Option
	}{
		{analytics.ListQuery{List: "accounts"}, []analytics.Option{{"2", "Chan (channel)"}, {"1", "Official (official)"}}},
		{analytics.ListQuery{List: "content"}, []analytics.Option{
			{"12", "Desk tour (video, 2026-05-02)"}, {"10", "Spring LIVE (live, 2026-05-01)"}, {"11", "Lip tutorial (video, 2026-04-20)"}}},
		{analytics.ListQuery{List: "content", Accounts: []string{"1"}}, []analytics.Option{{"10", "Spring LIVE (live, 2026-05-01)"}}},
		{analytics.ListQuery{List: "stores"}, []analytics.Option{{"berlin", "berlin"}, {"online", "online"}}},
	} {
		got, err := e.List(ctx, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%+v: got %v, want %v", tc.q, got, tc.want)
		}
	}
	if _, err := e.List(ctx, analytics.ListQuery{List: "'; DROP TABLE orders; --"}); !analytics.IsQueryError(err) {
		t.Errorf("unknown list: %v", err)
	}
	// The stores come from a walk over orders_store_id (indexes.sql). Without a plain index led by
	// store_id (here only a partial one, which the walk's steps cannot all use) they come from a
	// scan of every order, with the same answer.
	stores := func(t *testing.T, e *analytics.Engine, wantWalk bool) {
		t.Helper()
		frames, err := e.ListFrame(ctx, analytics.ListQuery{List: "stores"}, analytics.Period{})
		if err != nil {
			t.Fatal(err)
		}
		wantColumn(t, frames[0], "value", []any{"berlin", "kyoto", "online"})
		if walk := contains(frames[0].Meta.ExecutedQueryString, "WITH RECURSIVE"); walk != wantWalk {
			t.Errorf("stores read by the index walk: %v, want %v", walk, wantWalk)
		}
	}
	storesFixture := buyersViewsFixture + `
UPDATE orders SET store_id = 'berlin' WHERE order_id IN (2, 3);
UPDATE orders SET store_id = 'online' WHERE order_id = 1;
UPDATE orders SET store_id = 'kyoto' WHERE order_id = (SELECT max(order_id) FROM orders);`
	stores(t, analytics.New(fixtureSQL(t, storesFixture), analytics.DefaultShop()), true)
	stores(t, analytics.New(fixtureSQL(t, storesFixture+`
DROP INDEX orders_store_id;
CREATE INDEX orders_store_partial ON orders (store_id) WHERE store_id <> 'online';`), analytics.DefaultShop()), false)

	frames, err := e.ListFrame(ctx, analytics.ListQuery{List: "accounts"}, analytics.Period{})
	if err != nil {
		t.Fatal(err)
	}
	wantColumn(t, frames[0], "value", []any{"2", "1"})
	wantColumn(t, frames[0], "text", []any{"Chan (channel)", "Official (official)"})
}

func TestDimensionLists(t *testing.T) {
	db := fixtureSQL(t, buyersViewsFixture)
	e := analytics.New(db, analytics.DefaultShop())
	ctx := context.Background()
	p := analytics.Period{From: time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC)}
	values := func(q analytics.ListQuery) []any {
		t.Helper()
		frames, err := e.ListFrame(ctx, q, p)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := frames[0].FieldByName("value")
		var out []any
		for i := 0; i < f.Len(); i++ {
			out = append(out, f.At(i))
		}
		return out
	}
	dims := values(analytics.ListQuery{List: "dimensions"})
	if len(dims) < 15 || !containsValue(dims, "lifecycle_status") || !containsValue(dims, "country") {
		t.Errorf("dimensions: %v", dims)
	}
	// A closed set as defined; an open one as the contacts have it (largest first, unknown last).
	if got := values(analytics.ListQuery{List: "dimension_values", Dimension: "gender"}); !reflect.DeepEqual(got, []any{"female", "male", "other", "unknown"}) {
		t.Errorf("gender values %v", got)
	}
	if got := values(analytics.ListQuery{List: "dimension_values", Dimension: "country"}); !reflect.DeepEqual(got, []any{"DE", "US", "unknown"}) {
		t.Errorf("country values %v", got)
	}
	// An open set lists the values of the segment breakdown, in its order.
	for _, d := range []string{"country", "region", "city", "store", "first_order_channel"} {
		bd, err := e.Segments(ctx, analytics.SegmentsQuery{Dimension: d}, p)
		if err != nil {
			t.Fatal(err)
		}
		var want []any
		for i := 0; i < bd[0].Rows(); i++ {
			want = append(want, bd[0].Fields[0].At(i))
		}
		if got := values(analytics.ListQuery{List: "dimension_values", Dimension: d}); !reflect.DeepEqual(got, want) || len(want) < 2 {
			t.Errorf("%s values %v, want the breakdown's %v", d, got, want)
		}
	}
	for _, q := range []analytics.ListQuery{{List: "dimension_values"}, {List: "dimension_values", Dimension: "shoe_size"}} {
		if _, err := e.ListFrame(ctx, q, p); !analytics.IsQueryError(err) {
			t.Errorf("%+v: want a query error, got %v", q, err)
		}
	}
}

func containsValue(xs []any, v string) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

// The contract does not promise names, kinds, titles or dates (SPEC §2): a NULL one shows the id
// (or leaves its part out) instead of failing the whole list.
func TestListsWithNulls(t *testing.T) {
	db := fixtureSQL(t, `
ALTER TABLE accounts ALTER COLUMN name DROP NOT NULL, ALTER COLUMN kind DROP NOT NULL;
ALTER TABLE content ALTER COLUMN title DROP NOT NULL, ALTER COLUMN kind DROP NOT NULL, ALTER COLUMN published_at DROP NOT NULL;
INSERT INTO accounts (account_id, name, kind) VALUES (1, 'Official', 'official'), (3, NULL, 'channel'), (4, 'Mystery', NULL), (5, NULL, NULL);
INSERT INTO content (content_id, account_id, kind, title, published_at) VALUES
    (10, 1, 'live', 'Spring LIVE', '2026-05-01Z'),
    (13, 3, 'video', NULL, '2026-05-03Z'),
    (14, 1, NULL, 'No kind', '2026-04-01Z'),
    (15, 3, 'live', 'Undated', NULL),
    (16, 1, NULL, NULL, NULL);`)
	e := analytics.New(db, analytics.DefaultShop())
	t.Cleanup(e.Close)
	ctx := context.Background()
	for _, tc := range []struct {
		q    analytics.ListQuery
		want []analytics.Option
	}{
		// By name (unnamed last), then id.
		{analytics.ListQuery{List: "accounts"}, []analytics.Option{{"4", "Mystery"}, {"1", "Official (official)"}, {"3", "3 (channel)"}, {"5", "5"}}},
		// Newest first, undated last.
		{analytics.ListQuery{List: "content"}, []analytics.Option{
			{"13", "13 (video, 2026-05-03)"}, {"10", "Spring LIVE (live, 2026-05-01)"}, {"14", "No kind (2026-04-01)"}, {"15", "Undated (live)"}, {"16", "16"}}},
		{analytics.ListQuery{List: "content", Accounts: []string{"3"}}, []analytics.Option{{"13", "13 (video, 2026-05-03)"}, {"15", "Undated (live)"}}},
	} {
		got, err := e.List(ctx, tc.q)
		if err != nil {
			t.Fatalf("%+v: %v", tc.q, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%+v: got %v, want %v", tc.q, got, tc.want)
		}
	}
}
