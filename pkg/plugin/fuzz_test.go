package plugin

import (
	"context"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// FuzzQueryData: any query type, JSON and time range answers frames or a clear downstream error
// from the real database, never a panic or an internal (plugin) error.
func FuzzQueryData(f *testing.F) {
	seeds := []struct {
		qt, js string
		hours  int64
	}{
		{"buyers", `{"view":"summary"}`, 168},
		{"buyers", `{"view":"trend","bucket":"hour","metric":"repeat_rate"}`, 48},
		{"buyers", `{"view":"profile","dimension":"'; DROP TABLE orders; --"}`, 168},
		{"followers", `{"view":"channels","accounts":["1' OR '1'='1"],"channel":"content"}`, 168},
		{"customers", `{"view":"acquisition","bucket":"month"}`, 24 * 400},
		{"customer_events", `{"view":"orders","groupBy":"product_attribute","attributeKey":"color'); DROP TABLE x; --"}`, 168},
		{"segments", `{"view":"matrix","dimension":"gender","dimension2":"gender"}`, 24},
		{"value_bands", `{"measure":"revenue"}`, 24},
		{"personas", `{"view":"scores"}`, 24},
		{"audience_growth", `{"view":"popular_products","dimension":"audience_state","segment":"active"}`, 720},
		{"variables", `{"list":"content","accounts":["1"]}`, 1},
		{"clv", `{"view":"at_risk","maxProbabilityAlive":2,"limit":-3}`, 24},
		{"clv", `{"view":"segments","dimension":"persona","unit":"day","horizonDays":1e9}`, 24},
		{"clv", `{"view":"holdout"}`, 24 * 30},
		{"clv", `{"view":"total","horizonDays":30}`, 24 * 30},
		{"buyers", `{"view":`, 1},
		{"buyers", `{"topN":1e99}`, 1},
		{"nonsense", `{}`, 1},
		{"", `null`, -5},
		{"buyers", `{"view":"trend","bucket":"hour"}`, 24 * 365 * 100},
	}
	for _, s := range seeds {
		f.Add(s.qt, []byte(s.js), s.hours)
	}
	dsn := pgtest.NewContractDatabase(f)
	pgtest.Exec(f, dsn, `INSERT INTO commerce.customers (customer_id, created_at, gender) VALUES (1, '2026-01-01Z', 'female');
INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total) VALUES (1, 1, '2026-03-03Z', true, 10);
INSERT INTO commerce.accounts VALUES (1, 'A', 'official');`)
	fuzzDS := newInstance(f, settingsFor(f, dsn))
	f.Fuzz(func(t *testing.T, queryType string, js []byte, hours int64) {
		to := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
		from := to.Add(-time.Duration(hours%(24*365*200)) * time.Hour)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		resp, err := fuzzDS.QueryData(ctx, &backend.QueryDataRequest{Queries: []backend.DataQuery{
			{RefID: "A", QueryType: queryType, JSON: js, TimeRange: backend.TimeRange{From: from, To: to}, Interval: time.Hour},
		}})
		if err != nil {
			t.Fatalf("request failed as a whole: %v", err)
		}
		r, ok := resp.Responses["A"]
		if !ok {
			t.Fatal("no response for the query")
		}
		if r.Error != nil && (r.ErrorSource != backend.ErrorSourceDownstream || r.Error.Error() == "") {
			t.Fatalf("%s %s: plugin error %q (source %q)", queryType, js, r.Error, r.ErrorSource)
		}
	})
}
