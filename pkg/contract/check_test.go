package contract_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// The history is kept by its triggers only when history.sql's four triggers are enabled ALWAYS
// (they then fire in every session_replication_role) and no logical-replication subscription
// writes orders past them; in any other mode the health check says the history is checked as
// the shop's and how to mend it. history.sql run again (idempotent) makes them ALWAYS.
func TestHistoryKeptOnlyByAlwaysTriggers(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewContractDatabase(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	db := pgtest.OpenDB(t, dsn)
	modes := func() string {
		t.Helper()
		var m string
		if err := conn.QueryRow(ctx, `SELECT string_agg(tgenabled::text, '' ORDER BY tgname) FROM pg_trigger
		      WHERE tgrelid = 'commerce.orders'::regclass AND tgname LIKE 'order\_history\_%'`).Scan(&m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	check := func(state string, wantKept bool, wantNotAlways []string) string {
		t.Helper()
		r, err := contract.Check(ctx, db, contract.DefaultSchema)
		if err != nil {
			t.Fatalf("%s: %v", state, err)
		}
		msg := r.Summary()
		if r.HistoryKept != wantKept || !reflect.DeepEqual(r.HistoryTriggersNotAlways, wantNotAlways) && len(wantNotAlways)+len(r.HistoryTriggersNotAlways) > 0 {
			t.Errorf("%s: kept %v, not ALWAYS %q; want %v, %q", state, r.HistoryKept, r.HistoryTriggersNotAlways, wantKept, wantNotAlways)
		}
		hint := "run history.sql again (it rebuilds the history and enables its triggers ALWAYS)"
		if strings.Contains(msg, hint) != (len(wantNotAlways) > 0) {
			t.Errorf("%s: health %q, want the hint %q: %v", state, msg, hint, len(wantNotAlways) > 0)
		}
		want := " order history: yes, kept current by its triggers."
		if !wantKept {
			want = " order history: yes, kept by the shop (each period is checked against orders before use)."
		}
		if !strings.Contains(msg, want) {
			t.Errorf("%s: health %q lacks %q", state, msg, want)
		}
		return msg
	}
	rerun := func() {
		t.Helper()
		if err := contract.CreateHistory(ctx, conn); err != nil {
			t.Fatal(err)
		}
		if m := modes(); m != "AAAA" {
			t.Fatalf("after history.sql: trigger modes %q, want AAAA", m)
		}
	}
	exec := func(sql string) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	if m := modes(); m != "AAAA" {
		t.Fatalf("trigger modes %q, want AAAA", m)
	}
	check("built", true, nil)
	rerun()
	check("history.sql run again", true, nil)

	for _, c := range []struct {
		ddl       string
		notAlways []string
	}{
		// The mode of an earlier history.sql, or set by an admin.
		{`ALTER TABLE commerce.orders ENABLE TRIGGER order_history_update`, []string{"order_history_update (ENABLE)"}},
		{`ALTER TABLE commerce.orders ENABLE REPLICA TRIGGER order_history_delete`, []string{"order_history_delete (ENABLE REPLICA)"}},
		// What a data-only restore with --disable-triggers leaves behind.
		{`ALTER TABLE commerce.orders DISABLE TRIGGER ALL; ALTER TABLE commerce.orders ENABLE TRIGGER ALL`,
			[]string{"order_history_delete (ENABLE)", "order_history_insert (ENABLE)", "order_history_truncate (ENABLE)", "order_history_update (ENABLE)"}},
		// Disabled: the shop keeps the history on purpose; nothing to mend.
		{`ALTER TABLE commerce.orders DISABLE TRIGGER USER`, nil},
	} {
		exec(c.ddl)
		check(c.ddl, false, c.notAlways)
		rerun()
		check(c.ddl+", then history.sql", true, nil)
	}

	// A logical-replication subscription (not connected: only its catalog row matters).
	exec(`CREATE SUBSCRIPTION history_check_test CONNECTION 'dbname=postgres' PUBLICATION history_check_test WITH (connect = false)`)
	// Dropped before the database (which cannot be dropped while it has one), on a connection of
	// its own: conn is closed by then.
	t.Cleanup(func() {
		pgtest.Exec(t, dsn, `ALTER SUBSCRIPTION history_check_test SET (slot_name = NONE); DROP SUBSCRIPTION history_check_test`)
	})
	if msg := check("subscription", false, nil); !strings.Contains(msg, "logical-replication subscription") {
		t.Errorf("subscription: health %q does not name the subscription", msg)
	}
}
