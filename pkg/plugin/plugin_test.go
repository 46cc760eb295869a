package plugin

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func newInstance(t testing.TB, js map[string]any) *Datasource {
	t.Helper()
	return newInstanceSecure(t, js, map[string]string{})
}

func newInstanceSecure(t testing.TB, js map[string]any, secure map[string]string) *Datasource {
	t.Helper()
	raw, _ := json.Marshal(js)
	inst, err := NewDatasource(context.Background(), backend.DataSourceInstanceSettings{JSONData: raw, DecryptedSecureJSONData: secure})
	if err != nil {
		t.Fatal(err)
	}
	d := inst.(*Datasource)
	t.Cleanup(d.Dispose)
	return d
}

func settingsFor(t testing.TB, dsn string) map[string]any {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"host": cfg.Host, "port": cfg.Port, "database": cfg.Database, "user": cfg.User, "sslMode": "disable", "statementTimeoutSeconds": 5, "connectTimeoutSeconds": 2,
		// Most tests re-run queries on purpose; TestResultCache turns the cache on.
		"cacheTTLSeconds": 0}
}

var week = backend.TimeRange{From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC)}

func query(t *testing.T, d *Datasource, qs ...backend.DataQuery) *backend.QueryDataResponse {
	t.Helper()
	resp, err := d.QueryData(context.Background(), &backend.QueryDataRequest{Queries: qs})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func buyersQuery(ref string) backend.DataQuery {
	return backend.DataQuery{RefID: ref, QueryType: "buyers", TimeRange: week, JSON: []byte(`{"view":"summary"}`)}
}

func wantError(t *testing.T, r backend.DataResponse, src backend.ErrorSource, parts ...string) {
	t.Helper()
	if r.Error == nil {
		t.Fatalf("no error; want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(r.Error.Error(), p) {
			t.Errorf("error %q lacks %q", r.Error, p)
		}
	}
	if r.ErrorSource != src {
		t.Errorf("error source %q, want %q", r.ErrorSource, src)
	}
}

func TestInvalidSettingsAnswerEveryCall(t *testing.T) {
	d := newInstance(t, map[string]any{"host": "h", "database": "d", "user": "u", "timeZone": "Nowhere/City"})
	wantError(t, query(t, d, buyersQuery("A")).Responses["A"], backend.ErrorSourceDownstream, `time zone "Nowhere/City" is unknown`, "data source settings")
	h, err := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if err != nil || h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "Nowhere/City") {
		t.Fatalf("health %v %v", h, err)
	}
}

func TestDatabaseDown(t *testing.T) {
	// A port where nothing listens.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	d := newInstance(t, map[string]any{"host": "127.0.0.1", "port": port, "database": "shop", "user": "u", "sslMode": "disable", "connectTimeoutSeconds": 2})
	wantError(t, query(t, d, buyersQuery("A")).Responses["A"], backend.ErrorSourceDownstream, "buyers", "connect")
	h, _ := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "cannot reach PostgreSQL") {
		t.Fatalf("health: %s", h.Message)
	}
}

func TestMissingRelationFailsAlone(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, dsn, `DROP TABLE commerce.orders`)
	d := newInstance(t, settingsFor(t, dsn))
	resp := query(t, d, buyersQuery("A"), backend.DataQuery{RefID: "B", QueryType: "", JSON: []byte(`{}`), TimeRange: week})
	wantError(t, resp.Responses["A"], backend.ErrorSourceDownstream, `relation "orders" does not exist`, "CREATE VIEW")
	wantError(t, resp.Responses["B"], backend.ErrorSourceDownstream, "no query type", "buyers")
	h, _ := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "relation orders is missing") {
		t.Fatalf("health: %s", h.Message)
	}
}

func TestHealthReportsCapabilitiesAndIndexes(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, dsn, `DROP TABLE commerce.email_events; DROP INDEX commerce.orders_valid_placed_at`)
	d := newInstance(t, settingsFor(t, dsn))
	h, _ := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if h.Status != backend.HealthStatusOk {
		t.Fatalf("health %v: %s", h.Status, h.Message)
	}
	for _, want := range []string{"PostgreSQL 15", "social: yes", "email: no (relation email_events is missing)", "Missing indexes", "orders_valid_placed_at",
		"order history: yes, kept current by its triggers"} {
		if !strings.Contains(h.Message, want) {
			t.Errorf("health message %q lacks %q", h.Message, want)
		}
	}
	if strings.Contains(h.Message, "purchase days") {
		t.Errorf("health message %q warns of a zone, but the history's is the shop's", h.Message)
	}
	if strings.Contains(h.Message, "order history indexes") {
		t.Errorf("health message %q names history indexes, but history.sql built them all", h.Message)
	}
	// A history built by an earlier history.sql: its expression index instead of the two new ones.
	pgtest.Exec(t, dsn, `DROP INDEX commerce.order_history_current; DROP INDEX commerce.order_history_followed;
CREATE INDEX order_history_last ON commerce.order_history ((coalesce(next_placed_at, 'infinity')))`)
	h, _ = d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	for _, want := range []string{"Missing order history indexes", "order_history_current, order_history_followed", "run history.sql again", "VACUUM order_history"} {
		if !strings.Contains(h.Message, want) {
			t.Errorf("health message %q lacks %q", h.Message, want)
		}
	}
	if !strings.Contains(h.Message, "see indexes.sql): orders_valid_placed_at.") {
		t.Errorf("health message %q does not keep the history's indexes apart from indexes.sql's", h.Message)
	}
	// Purchase days in another zone than the shop's: the health check says how to mend it.
	pgtest.Exec(t, dsn, `UPDATE commerce.order_history_zone SET built_zone = 'Asia/Tokyo'`)
	h, _ = d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if want := "counts purchase days in Asia/Tokyo, not in the shop time zone UTC"; !strings.Contains(h.Message, want) || !strings.Contains(h.Message, "SET zone = 'UTC'") {
		t.Errorf("health message %q lacks %q and its remedy", h.Message, want)
	}
	// The history states the check tells apart: kept by the shop (triggers disabled), and absent.
	for _, c := range []struct{ ddl, want string }{
		{`ALTER TABLE commerce.orders DISABLE TRIGGER USER`, "order history: yes, kept by the shop"},
		{`DROP TABLE commerce.order_history`, "order history: no (relation order_history is missing; optional"},
	} {
		pgtest.Exec(t, dsn, c.ddl)
		h, _ := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
		if h.Status != backend.HealthStatusOk || !strings.Contains(h.Message, c.want) {
			t.Errorf("after %s: health %v %q lacks %q", c.ddl, h.Status, h.Message, c.want)
		}
	}
}

func TestReadOnlyEvenAsSuperuser(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	d := newInstance(t, settingsFor(t, dsn))
	err := d.db.Read(context.Background(), func(tx database.Tx) error {
		_, err := tx.Exec(context.Background(), `INSERT INTO customers (customer_id, created_at) VALUES (1, now())`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "read-only transaction") {
		t.Fatalf("write in the plugin's transaction: %v", err)
	}
}

func TestStatementTimeout(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	js := settingsFor(t, dsn)
	js["statementTimeoutSeconds"] = 1
	d := newInstance(t, js)
	start := time.Now()
	err := d.db.Read(context.Background(), func(tx database.Tx) error {
		_, err := tx.Exec(context.Background(), `SELECT pg_sleep(30)`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "statement timeout") {
		t.Fatalf("want a statement timeout, got %v after %s", err, time.Since(start))
	}
}

func TestResources(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, dsn, `INSERT INTO commerce.accounts VALUES (7, 'Shop', 'official');
INSERT INTO commerce.content VALUES (70, 7, 'live', 'Launch', 'tech', '2026-01-02Z')`)
	d := newInstance(t, settingsFor(t, dsn))
	call := func(path string) (int, string) {
		var status int
		var body []byte
		// Grafana sends the path without the query, and the whole URL beside it.
		p, _, _ := strings.Cut(path, "?")
		err := d.CallResource(context.Background(), &backend.CallResourceRequest{Method: "GET", Path: p, URL: "/api/datasources/uid/x/resources/" + path},
			backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error {
				status, body = r.Status, r.Body
				return nil
			}))
		if err != nil {
			t.Fatal(err)
		}
		return status, string(body)
	}
	if s, b := call("accounts"); s != 200 || strings.TrimSpace(b) != `[{"value":"7","text":"Shop (official)"}]` {
		t.Errorf("accounts: %d %s", s, b)
	}
	if s, b := call("content?account=7"); s != 200 || !strings.Contains(b, `"value":"70"`) {
		t.Errorf("content: %d %s", s, b)
	}
	if s, b := call("content?account=8"); s != 200 || strings.TrimSpace(b) != `[]` {
		t.Errorf("content of another account: %d %s", s, b)
	}
	if s, b := call("stores"); s != 200 || strings.TrimSpace(b) != `[]` {
		t.Errorf("stores: %d %s", s, b)
	}
	if s, b := call("secrets"); s != 404 || !strings.Contains(b, "use accounts, content or stores") {
		t.Errorf("unknown resource: %d %s", s, b)
	}
}

func TestCancelledRequestCancelsTheQuery(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	d := newInstance(t, settingsFor(t, dsn))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- d.db.Read(ctx, func(tx database.Tx) error {
			_, err := tx.Exec(ctx, `SELECT pg_sleep(20) /* cancel-me */`)
			return err
		})
	}()
	admin, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	running := func() int {
		var n int
		if err := admin.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%cancel-me%' AND state = 'active' AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	deadline := time.Now().Add(5 * time.Second)
	for running() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the query never showed up in pg_stat_activity")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel() // Grafana cancels the request's context
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a cancelled query reported success")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the cancelled request did not return")
	}
	deadline = time.Now().Add(5 * time.Second)
	for running() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("PostgreSQL still runs the query of a cancelled request")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
