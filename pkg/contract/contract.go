// Package contract holds the commerce contract: the relations and columns the analytics read, the
// DDL that creates them, and the indexes the queries rely on.
package contract

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// DefaultSchema is the schema the DDL creates and the datasource reads unless told otherwise.
const DefaultSchema = "commerce"

// TablesSQL creates the schema and every contract table (no indexes beyond primary keys).
//
//go:embed sql/tables.sql
var TablesSQL string

// IndexesSQL creates the indexes the queries rely on; run it after a bulk load.
//
//go:embed sql/indexes.sql
var IndexesSQL string

// HistorySQL builds the optional order_history relation from orders and installs the triggers
// that keep it current; run it after IndexesSQL (idempotent: a rerun rebuilds it).
//
//go:embed sql/history.sql
var HistorySQL string

// Capability names a group of relations that a database may or may not have.
type Capability string

// The capabilities: core relations are required, the others enable query types.
const (
	Core   Capability = "core"
	Social Capability = "social"
	Email  Capability = "email"
	// History is the optional order_history relation: each valid order with the time of the
	// customer's previous valid order and the count and revenue of their earlier ones, which makes
	// the buyers, customer events and customer report figures period scans.
	History Capability = "history"
)

// Relation is one contract relation (table or view) and the columns the analytics read.
type Relation struct {
	Name       string
	Capability Capability
	Columns    []string
}

// Relations lists the whole contract in the order the docs present it.
var Relations = []Relation{
	{"customers", Core, []string{"customer_id", "created_at", "birth_year", "gender", "country", "region", "city", "device_price", "email_opt_in"}},
	{"orders", Core, []string{"order_id", "customer_id", "placed_at", "is_valid", "total", "channel", "content_id", "store_id", "source_medium", "source_name", "source_campaign", "source_domain", "device_type", "coupon_code"}},
	{"order_items", Core, []string{"order_id", "product_id", "quantity", "unit_price"}},
	{"products", Core, []string{"product_id", "name", "category", "attributes"}},
	{"accounts", Social, []string{"account_id", "name", "kind"}},
	{"content", Social, []string{"content_id", "account_id", "kind", "title", "category", "published_at"}},
	{"follows", Social, []string{"account_id", "customer_id", "followed_at", "unfollowed_at", "source", "content_id"}},
	{"content_views", Social, []string{"customer_id", "content_id", "viewed_at"}},
	{"email_events", Email, []string{"customer_id", "kind", "occurred_at"}},
	{"order_history", History, HistoryColumns},
}

// HistoryColumns are the columns of order_history the analytics read.
var HistoryColumns = []string{"order_id", "customer_id", "placed_at", "total", "previous_placed_at", "earlier_orders", "earlier_revenue", "next_placed_at", "first_placed_at", "second_placed_at", "purchase_days", "first_day_revenue", "first_channel", "first_store_id"}

// Create runs the contract DDL (tables, then indexes and order history when withIndexes) on conn. The DDL creates
// the schema "commerce"; the caller may rename it afterwards.
func Create(ctx context.Context, conn *pgx.Conn, withIndexes bool) error {
	if _, err := conn.Exec(ctx, TablesSQL); err != nil {
		return fmt.Errorf("contract: create tables: %w", err)
	}
	if withIndexes {
		if err := CreateIndexes(ctx, conn); err != nil {
			return err
		}
		if err := CreateHistory(ctx, conn); err != nil {
			return err
		}
	}
	return nil
}

// CreateHistory runs the order history DDL on conn: builds order_history from orders and installs
// the triggers that keep it current. Its purchase days are in the zone order_history_zone names
// (UTC for a new one).
func CreateHistory(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, HistorySQL); err != nil {
		return fmt.Errorf("contract: create order history: %w", err)
	}
	// VACUUM marks the pages all-visible, so the as-of reads of order_history_current are
	// index-only. It cannot run in a transaction (nor with the multi-statement DDL): inside the
	// caller's transaction, the caller vacuums after its commit (as the demo loader does).
	if conn.PgConn().TxStatus() != 'I' {
		return nil
	}
	if _, err := conn.Exec(ctx, "VACUUM commerce.order_history"); err != nil {
		return fmt.Errorf("contract: vacuum order history: %w", err)
	}
	return nil
}

// CreateHistoryInZone is CreateHistory with the purchase days in zone (a PostgreSQL time zone
// name), set through history.sql's session setting order_history.zone.
func CreateHistoryInZone(ctx context.Context, conn *pgx.Conn, zone string) error {
	if _, err := conn.Exec(ctx, "SELECT set_config('order_history.zone', $1, false)", zone); err != nil {
		return fmt.Errorf("contract: order history zone: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT set_config('order_history.zone', '', false)") //nolint:errcheck // the session's own setting
	return CreateHistory(ctx, conn)
}

// CreateIndexes runs the index DDL on conn (idempotent).
func CreateIndexes(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, IndexesSQL); err != nil {
		return fmt.Errorf("contract: create indexes: %w", err)
	}
	return nil
}
