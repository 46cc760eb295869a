package analytics_test

import (
	"context"
	"reflect"
	"testing"

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
	frames, err := e.ListFrame(ctx, analytics.ListQuery{List: "accounts"})
	if err != nil {
		t.Fatal(err)
	}
	wantColumn(t, frames[0], "value", []any{"2", "1"})
	wantColumn(t, frames[0], "text", []any{"Chan (channel)", "Official (official)"})
}
