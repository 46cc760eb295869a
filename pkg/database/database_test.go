package database_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
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
	if err := db.Read(ctx, func(tx pgx.Tx) error {
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
