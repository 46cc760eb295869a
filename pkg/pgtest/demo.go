package pgtest

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/demo"
)

// DemoEnd is the fixed end of the demo shops tests and benchmarks use, so their figures compare
// across runs.
var DemoEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// NewDemoDatabase returns the DSN of a fresh copy of the demo shop with the given number of
// customers (seed 42, UTC, history to DemoEnd), built once per server as a template.
func NewDemoDatabase(t testing.TB, customers int, progress io.Writer) string {
	t.Helper()
	return NewDatabaseFrom(t, DemoTemplate(t, customers, progress))
}

// DemoTemplate builds (once per server) and names the template database of a demo shop. Tests
// that only read may connect to it directly instead of copying it.
func DemoTemplate(t testing.TB, customers int, progress io.Writer) string {
	t.Helper()
	// The contract DDL's hash is part of the name, so a kept server never serves a shop built
	// with older DDL (such as one without order_history).
	name := fmt.Sprintf("demo_%d_seed42_%s_v%d_%s", customers, DemoEnd.Format("20060102"), demo.Version, contractHash()[:6])
	return Template(t, name, func(ctx context.Context, dsn string) error {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = demo.Load(ctx, conn, demo.Config{Customers: customers, Seed: 42, End: DemoEnd}, progress)
		return err
	})
}
