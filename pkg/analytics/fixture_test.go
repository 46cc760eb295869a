package analytics_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// order is one fixture row of commerce.orders.
type order struct {
	customer int64
	at       time.Time
	valid    bool
	total    float64
}

// fixtureDB creates the contract in a fresh database, inserts the customers and orders, and
// returns a read-only database handle on it.
func fixtureDB(t *testing.T, orders []order) *database.DB {
	t.Helper()
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := contract.Create(ctx, conn, true); err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for i, o := range orders {
		if !seen[o.customer] {
			seen[o.customer] = true
			if _, err := conn.Exec(ctx, `INSERT INTO commerce.customers (customer_id, created_at) VALUES ($1, '2020-01-01Z')`, o.customer); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := conn.Exec(ctx, `INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total) VALUES ($1, $2, $3, $4, $5)`,
			i+1, o.customer, o.at, o.valid, o.total); err != nil {
			t.Fatal(err)
		}
	}
	return openDB(t, dsn)
}

func openDB(t testing.TB, dsn string) *database.DB { return pgtest.OpenDB(t, dsn) }

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// fixtureSQL creates the contract in a fresh database, runs the fixture statements (unqualified
// names: the search path is the contract schema) and returns a read-only handle on it.
func fixtureSQL(t *testing.T, statements string) *database.DB {
	t.Helper()
	dsn := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, dsn, "SET search_path TO commerce;\n"+statements)
	return openDB(t, dsn)
}

type frameT = data.Frame

func contains(s, sub string) bool { return strings.Contains(s, sub) }
