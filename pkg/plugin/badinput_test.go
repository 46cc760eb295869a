package plugin

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// Bad input, each with the clear error it must get; afterwards the database is unchanged.
func TestBadInputTable(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, dsn, `INSERT INTO commerce.customers (customer_id, created_at) VALUES (1, '2025-01-01Z');
INSERT INTO commerce.products VALUES (1, 'Lamp', 'home', '{"color":"red"}');
INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total) VALUES (1, 1, '2026-03-03Z', true, 10);
INSERT INTO commerce.order_items VALUES (1, 1, 1, 10);
INSERT INTO commerce.accounts VALUES (1, 'A', 'official');`)
	before := checksum(t, dsn)
	d := newInstance(t, settingsFor(t, dsn))
	to := time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)
	week := backend.TimeRange{From: to.AddDate(0, 0, -7), To: to}
	const injection = `x'); DROP TABLE commerce.orders; --`
	for _, tc := range []struct {
		name, queryType, json string
		rng                   backend.TimeRange
		interval              time.Duration
		want                  string
	}{
		{"unknown query type", "revenue_magic", `{}`, week, 0, `unknown query type "revenue_magic"`},
		{"unknown view", "buyers", `{"view":"pie"}`, week, 0, `unknown view "pie"`},
		{"empty range", "buyers", `{}`, backend.TimeRange{From: to, To: to}, 0, "empty or reversed"},
		{"negative range", "customers", `{}`, backend.TimeRange{From: to, To: to.AddDate(0, 0, -7)}, 0, "empty or reversed"},
		{"100-year range", "buyers", `{}`, backend.TimeRange{From: to.AddDate(-100, 0, 0), To: to}, 0, "longer than 50 years"},
		{"absurd interval", "buyers", `{"view":"trend"}`, backend.TimeRange{From: to.AddDate(-10, 0, 0), To: to}, time.Nanosecond, "more than 5000 buckets"},
		{"unknown bucket", "followers", `{"view":"trend","bucket":"fortnight"}`, week, 0, `unknown bucket "fortnight"`},
		{"unknown dimension", "segments", `{"dimension":"shoe_size"}`, week, 0, `unknown dimension "shoe_size"`},
		{"SQL in a dimension", "segments", `{"dimension":"` + strings.ReplaceAll(injection, `"`, ``) + `"}`, week, 0, "unknown dimension"},
		{"unknown attribute key", "customer_events", `{"view":"orders","groupBy":"product_attribute","attributeKey":"size"}`, week, 0, `no product has the attribute key "size"`},
		{"SQL in an attribute key", "customer_events", `{"view":"orders","groupBy":"product_attribute","attributeKey":"` + injection + `"}`, week, 0, "no product has the attribute key"},
		{"SQL in account ids", "followers", `{"accounts":["` + injection + `"]}`, week, 0, ""},
		{"SQL in store ids", "customer_events", `{"view":"orders","stores":["` + injection + `"]}`, week, 0, ""},
		{"SQL in a segment", "audience_growth", `{"view":"popular_products","dimension":"country","segment":"` + injection + `"}`, week, 0, ""},
		{"unknown comparison", "buyers", `{"comparison":"last_tuesday"}`, week, 0, `unknown comparison "last_tuesday"`},
		{"malformed JSON", "buyers", `{"view":"summary"`, week, 0, "malformed"},
		{"wrong JSON type", "buyers", `{"topN":"ten"}`, week, 0, "malformed"},
		{"unknown clv unit", "clv", `{"unit":"` + injection + `"}`, week, 0, "unknown time unit"},
		{"SQL in a clv dimension", "clv", `{"view":"segments","dimension":"` + strings.ReplaceAll(injection, `"`, ``) + `"}`, week, 0, "unknown dimension"},
		{"absurd clv horizon", "clv", `{"horizonDays":99999999}`, week, 0, "out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := query(t, d, backend.DataQuery{RefID: "A", QueryType: tc.queryType, JSON: []byte(tc.json), TimeRange: tc.rng, Interval: tc.interval})
			r := resp.Responses["A"]
			if tc.want == "" { // harmless text in an id filter: answered, matching nothing
				if r.Error != nil {
					t.Fatalf("want an answer, got %v", r.Error)
				}
				return
			}
			if r.Error == nil || !strings.Contains(r.Error.Error(), tc.want) || r.ErrorSource != backend.ErrorSourceDownstream {
				t.Fatalf("got %v (source %q), want a downstream error containing %q", r.Error, r.ErrorSource, tc.want)
			}
		})
	}

	// SQL in the schema setting: the search path is a bound, quoted identifier.
	js := settingsFor(t, dsn)
	js["schema"] = `commerce, public; DROP TABLE commerce.orders; --`
	bad := newInstance(t, js)
	r := query(t, bad, buyersQuery("A")).Responses["A"]
	if r.Error == nil || !strings.Contains(r.Error.Error(), `relation "orders" does not exist`) {
		t.Errorf("schema injection: %v", r.Error)
	}
	h, _ := bad.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "relation orders is missing") {
		t.Errorf("health with an injected schema: %s", h.Message)
	}
	// An unknown time zone never reaches the database.
	js = settingsFor(t, dsn)
	js["timeZone"] = "Europe/Atlantis"
	r = query(t, newInstance(t, js), buyersQuery("A")).Responses["A"]
	if r.Error == nil || !strings.Contains(r.Error.Error(), `time zone "Europe/Atlantis" is unknown`) {
		t.Errorf("unknown time zone: %v", r.Error)
	}

	if after := checksum(t, dsn); after != before {
		t.Errorf("the database changed: %s → %s", before, after)
	}
}

// checksum is an md5 over every row of every contract table.
func checksum(t *testing.T, dsn string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var sum string
	err = conn.QueryRow(ctx, `
SELECT md5(string_agg(t, '|' ORDER BY t)) FROM (
  SELECT 'customers' || c::text AS t FROM commerce.customers c UNION ALL
  SELECT 'orders' || o::text FROM commerce.orders o UNION ALL
  SELECT 'order_items' || i::text FROM commerce.order_items i UNION ALL
  SELECT 'products' || p::text FROM commerce.products p UNION ALL
  SELECT 'accounts' || a::text FROM commerce.accounts a UNION ALL
  SELECT 'tables' || string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'commerce'
) x`).Scan(&sum)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}
