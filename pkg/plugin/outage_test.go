package plugin

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/pgserver"
)

// PostgreSQL dies under the plugin: queries fail with a clear error within the connect timeout,
// and the same instance answers again once the server is back, without a restart, even when the
// server was restarted under its idle connections.
func TestDatabaseOutageAndRecovery(t *testing.T) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "ca-outage-") // under /tmp: reachable by the server's user as root
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	srv, err := pgserver.Start(ctx, pgserver.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Stop() }()
	conn, err := pgx.Connect(ctx, srv.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	if err := contract.Create(ctx, conn, true); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	d := newInstance(t, settingsFor(t, srv.DSN("")))
	ok := func() {
		t.Helper()
		if r := query(t, d, buyersQuery("A")).Responses["A"]; r.Error != nil {
			t.Fatalf("query with the database up: %v", r.Error)
		}
	}
	ok()

	srv.Kill()
	start := time.Now()
	r := query(t, d, buyersQuery("A")).Responses["A"]
	if r.Error == nil || r.ErrorSource != backend.ErrorSourceDownstream || !strings.Contains(r.Error.Error(), "buyers") {
		t.Fatalf("query with the database down: %v (source %q)", r.Error, r.ErrorSource)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("the failure took %s; the connect timeout is 2 s", took)
	}
	if h, _ := d.CheckHealth(ctx, &backend.CheckHealthRequest{}); h.Status != backend.HealthStatusError {
		t.Errorf("health with the database down: %v %s", h.Status, h.Message)
	}

	restarted, err := pgserver.Start(ctx, pgserver.Options{Dir: dir, Port: srv.Port})
	if err != nil {
		t.Fatal(err)
	}
	srv = restarted
	ok()

	// A restart between two queries: the pool's idle connection is dead, and the next query must
	// not fail on it.
	srv.Kill()
	if restarted, err = pgserver.Start(ctx, pgserver.Options{Dir: dir, Port: srv.Port}); err != nil {
		t.Fatal(err)
	}
	srv = restarted
	ok()
}
