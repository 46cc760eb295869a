package database_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// Every read runs in a read-only, repeatable-read transaction with the plugin's session settings
// (on a real server), among them custom plans for the bound values.
func TestReadTransactionSettings(t *testing.T) {
	db := pgtest.OpenDB(t, pgtest.NewContractDatabase(t))
	ctx := context.Background()
	want := map[string]string{
		"transaction_read_only": "on",
		"transaction_isolation": "repeatable read",
		"statement_timeout":     "30s",
		"search_path":           `"` + contract.DefaultSchema + `"`, // quoted: any schema name is safe
		"work_mem":              "64MB",
		"jit":                   "off",
		"plan_cache_mode":       "force_custom_plan",
	}
	if err := db.Read(ctx, func(tx database.Tx) error {
		for name, w := range want {
			var v string
			if err := tx.QueryRow(ctx, "SELECT current_setting($1)", name).Scan(&v); err != nil {
				return err
			}
			if v != w {
				t.Errorf("%s = %q in a read, want %q", name, v, w)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// A read ends its transaction whatever fn did: after a failed statement (the transaction
// aborted), a write refused, or fn's own error, the connection goes back to the pool idle, the
// next read on it starts a fresh read-only transaction, and none is left in use.
func TestReadEndsItsTransaction(t *testing.T) {
	db := pgtest.OpenDB(t, pgtest.NewContractDatabase(t))
	ctx := context.Background()
	failures := map[string]func(tx database.Tx) error{
		"division by zero": func(tx database.Tx) error {
			var n int
			return tx.QueryRow(ctx, "SELECT 1 / (SELECT count(*) FROM customers)::int").Scan(&n)
		},
		"a write": func(tx database.Tx) error {
			_, err := tx.Exec(ctx, "CREATE TABLE written (x int)")
			return err
		},
		"fn's own error": func(tx database.Tx) error { return errors.New("fn failed") },
	}
	for name, fn := range failures {
		if err := db.Read(ctx, fn); err == nil {
			t.Fatalf("%s: Read returned no error", name)
		}
		var readOnly string
		var before int
		err := db.Read(ctx, func(tx database.Tx) error {
			return tx.QueryRow(ctx, "SELECT current_setting('transaction_read_only'), (SELECT count(*) FROM pg_class WHERE relname = 'written')::int").Scan(&readOnly, &before)
		})
		if err != nil {
			t.Fatalf("after %s: %v", name, err)
		}
		if readOnly != "on" || before != 0 {
			t.Errorf("after %s: read only %q, tables written %d; want on and 0", name, readOnly, before)
		}
		if s := db.Stat(); s.AcquiredConns() != 0 {
			t.Errorf("after %s: %d connections still in use", name, s.AcquiredConns())
		}
	}
}
