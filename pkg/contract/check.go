package contract

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// Reader runs fn in a read-only transaction (database.DB implements it).
type Reader interface {
	Read(ctx context.Context, fn func(tx database.Tx) error) error
}

// Report is what a database has of the contract.
type Report struct {
	Schema  string
	Version string
	// Missing lists, per relation, the missing columns; a nil slice with the key present means the
	// whole relation is missing.
	Missing map[string][]string
	// MissingIndexes names the indexes of indexes.sql absent on contract tables (views have none).
	MissingIndexes []string
	// HistoryKept is true when order_history is a table kept by history.sql's triggers on orders
	// (HistoryStateSQL): all four enabled ALWAYS, in a database with no logical-replication
	// subscription.
	HistoryKept bool
	// HistoryTriggersNotAlways names history.sql's triggers that are enabled in another mode than
	// ALWAYS ("order_history_insert (ENABLE)"): they skip the sessions of some
	// session_replication_role, so the history is not trusted until history.sql is run again.
	HistoryTriggersNotAlways []string
	// HistorySubscribed is true when the database has a logical-replication subscription, whose
	// apply worker fires no statement triggers: the history's triggers cannot keep it.
	HistorySubscribed bool
	// HistoryZone is the time zone of order_history's purchase days ("" when unknown).
	HistoryZone string
}

// Has reports whether every relation of capability c is complete.
func (r Report) Has(c Capability) bool {
	for _, rel := range Relations {
		if rel.Capability != c {
			continue
		}
		if _, bad := r.Missing[rel.Name]; bad {
			return false
		}
	}
	return true
}

// Summary is the health-check message: version, capabilities and, for each gap, how to fix it.
func (r Report) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Connected to PostgreSQL %s. ", r.Version)
	if r.Has(Core) {
		fmt.Fprintf(&b, "Contract schema %q has the required relations.", r.Schema)
	} else {
		fmt.Fprintf(&b, "Contract schema %q is incomplete: %s. Create them with the contract DDL (docs/contract.md) or map your tables with CREATE VIEW %s.<relation>.", r.Schema, r.gaps(Core), r.Schema)
	}
	for _, c := range []Capability{Social, Email} {
		if r.Has(c) {
			fmt.Fprintf(&b, " %s: yes.", c)
		} else {
			fmt.Fprintf(&b, " %s: no (%s).", c, r.gaps(c))
		}
	}
	switch {
	case r.Has(History) && r.HistoryKept:
		b.WriteString(" order history: yes, kept current by its triggers.")
	case r.Has(History):
		b.WriteString(" order history: yes, kept by the shop (each period is checked against orders before use).")
		if len(r.HistoryTriggersNotAlways) > 0 {
			fmt.Fprintf(&b, " Its triggers are not all enabled ALWAYS (%s), so some sessions' writes pass them by (ENABLE skips those with session_replication_role = replica, as replication and bulk-load tools write; ENABLE REPLICA all others) and the history is not trusted: run history.sql again (it rebuilds the history and enables its triggers ALWAYS).", strings.Join(r.HistoryTriggersNotAlways, ", "))
		}
		if r.HistorySubscribed {
			b.WriteString(" This database has a logical-replication subscription, whose apply worker fires no statement triggers: history.sql's triggers cannot keep the history of replicated orders, so it is checked like one the shop keeps.")
		}
	default:
		fmt.Fprintf(&b, " order history: no (%s; optional: history.sql makes the buyers, customer events and customer report figures faster on a big shop).", r.gaps(History))
	}
	// The history's indexes come from history.sql, not indexes.sql: a history built by an earlier
	// version of it lacks the newer ones until the file is run again.
	var contract, history []string
	for _, idx := range r.MissingIndexes {
		if strings.HasPrefix(idx, "order_history_") {
			history = append(history, idx)
		} else {
			contract = append(contract, idx)
		}
	}
	if len(contract) > 0 {
		fmt.Fprintf(&b, " Missing indexes (queries will be slow on a big shop; see indexes.sql): %s.", strings.Join(contract, ", "))
	}
	if len(history) > 0 {
		fmt.Fprintf(&b, " Missing order history indexes (as-of figures will be slow on a big shop): %s; run history.sql again (it rebuilds the history and its indexes), then VACUUM order_history.", strings.Join(history, ", "))
	}
	return b.String()
}

// HistoryZoneHint is the health check's line for an order history whose purchase days are in
// another zone than the shop's (shopZone, the datasource's setting): predicted CLV then reads the
// orders instead, and the hint says how to rebuild the days ("" when nothing is wrong).
func (r Report) HistoryZoneHint(shopZone string) string {
	if !r.Has(History) || !r.HistoryKept || r.HistoryZone == "" || r.HistoryZone == shopZone {
		return ""
	}
	return fmt.Sprintf(" The order history counts purchase days in %s, not in the shop time zone %s, so predicted CLV reads the orders instead (slower): run UPDATE %s.order_history_zone SET zone = '%s' and then history.sql again.",
		r.HistoryZone, shopZone, r.Schema, shopZone)
}

func (r Report) gaps(c Capability) string {
	var parts []string
	for _, rel := range Relations {
		cols, bad := r.Missing[rel.Name]
		if rel.Capability != c || !bad {
			continue
		}
		if cols == nil {
			parts = append(parts, fmt.Sprintf("relation %s is missing", rel.Name))
		} else {
			parts = append(parts, fmt.Sprintf("%s lacks column(s) %s", rel.Name, strings.Join(cols, ", ")))
		}
	}
	return strings.Join(parts, "; ")
}

// expectedIndexes are the indexes of indexes.sql, by table.
var expectedIndexes = map[string][]string{
	"orders":        {"orders_valid_placed_at", "orders_valid_customer_placed_at", "orders_invalid_customer_placed_at", "orders_store_id"},
	"order_items":   {"order_items_order_id"},
	"customers":     {"customers_created_at"},
	"content":       {"content_account_id"},
	"follows":       {"follows_account_followed_at", "follows_customer_id"},
	"content_views": {"content_views_viewed_at", "content_views_customer_viewed_at"},
	"email_events":  {"email_events_customer_occurred_at"},
	"order_history": HistoryIndexes,
}

// IndexNames are the indexes of indexes.sql.
func IndexNames() []string {
	var out []string
	for table, names := range expectedIndexes {
		if table != "order_history" {
			out = append(out, names...)
		}
	}
	return out
}

// HistoryIndexes are the indexes history.sql builds on order_history.
var HistoryIndexes = []string{"order_history_period", "order_history_first", "order_history_customer_id", "order_history_followed", "order_history_current"}

// HistoryStateSQL reads, for the contract schema on the search path, whether order_history has
// every column of HistoryColumns and may be read (complete), whether it is kept by history.sql's triggers
// (kept: a table with all four triggers present and enabled ALWAYS on orders; a kept history
// changes in the same transaction as orders, so it never disagrees with them) and whether
// order_history_zone, the zone of its purchase days, may be read (zoned).
//
// ALWAYS, not merely enabled: a trigger in the default mode (tgenabled 'O', as CREATE TRIGGER,
// ENABLE TRIGGER and an earlier history.sql leave it) or in REPLICA mode ('R') skips the writes
// of sessions in the other session_replication_role (replication and bulk-load tools write as
// replica), so such a history may be behind orders. And not in a database with a
// logical-replication subscription: its apply worker writes as replica and fires row triggers
// only, never statement triggers such as these, whatever their mode. (Which tables a
// subscription replicates is in pg_subscription_rel, which only superusers may read; any
// subscription of the database counts.) Such a history is checked per period as the shop's.
var HistoryStateSQL = fmt.Sprintf(`
SELECT coalesce(has_table_privilege(to_regclass('order_history'), 'SELECT'), false)
       AND (SELECT count(*) = %d
        FROM pg_attribute a
        WHERE a.attrelid = to_regclass('order_history') AND a.attnum > 0 AND NOT a.attisdropped
          AND a.attname IN (%s)) AS complete,
       (SELECT count(*) = 4
        FROM pg_trigger t
        WHERE t.tgrelid = to_regclass('orders')
          AND t.tgname IN ('order_history_insert', 'order_history_update', 'order_history_delete', 'order_history_truncate')
          AND t.tgenabled = 'A'
          AND t.tgfoid = to_regprocedure('order_history_keep()'))
       AND NOT EXISTS (%s) AS kept,
       coalesce(has_table_privilege(to_regclass('order_history_zone'), 'SELECT'), false) AS zoned`, len(HistoryColumns), quotedList(HistoryColumns), subscriptionSQL)

// subscriptionSQL finds a logical-replication subscription of the current database (pg_subscription
// is readable by every role but for its conninfo column).
const subscriptionSQL = `SELECT FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid WHERE d.datname = current_database()`

// historyTriggersSQL reads, for the health check's hints, history.sql's triggers on orders that
// are enabled but not ALWAYS, with their mode as the ALTER TABLE clause that sets it, and whether
// the database has a logical-replication subscription.
var historyTriggersSQL = fmt.Sprintf(`
SELECT coalesce(array_agg(t.tgname || CASE t.tgenabled WHEN 'O' THEN ' (ENABLE)' ELSE ' (ENABLE REPLICA)' END ORDER BY t.tgname)
                    FILTER (WHERE t.tgenabled IN ('O', 'R')), '{}'),
       EXISTS (%s)
FROM pg_trigger t
WHERE t.tgrelid = to_regclass('orders')
  AND t.tgname IN ('order_history_insert', 'order_history_update', 'order_history_delete', 'order_history_truncate')
  AND t.tgfoid = to_regprocedure('order_history_keep()')`, subscriptionSQL)

// HistoryZoneSQL reads the time zone of order_history's purchase days (run only when
// HistoryStateSQL says zoned).
const HistoryZoneSQL = `SELECT coalesce(max(built_zone), '') FROM order_history_zone`

// quotedList renders the contract's own column names as SQL string literals (constant text: the
// names are identifiers of this package, never user input).
func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + n + "'"
	}
	return strings.Join(q, ", ")
}

// Check reads the catalog of schema (which must be db's search path) and compares it with the
// contract.
func Check(ctx context.Context, db Reader, schema string) (Report, error) {
	r := Report{Schema: schema, Missing: map[string][]string{}}
	have := map[string]map[string]bool{}
	kinds := map[string]string{}
	indexes := map[string]bool{}
	err := db.Read(ctx, func(tx database.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT current_setting('server_version')").Scan(&r.Version); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `
SELECT c.relname, c.relkind::text, a.attname
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'm', 'p', 'f')`, schema)
		if err != nil {
			return err
		}
		for rows.Next() {
			var rel, kind, col string
			if err := rows.Scan(&rel, &kind, &col); err != nil {
				return err
			}
			if have[rel] == nil {
				have[rel] = map[string]bool{}
			}
			have[rel][col] = true
			kinds[rel] = kind
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, "SELECT indexname FROM pg_indexes WHERE schemaname = $1", schema)
		if err != nil {
			return err
		}
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				return err
			}
			indexes[name] = true
		}
		if err := rows.Err(); err != nil {
			return err
		}
		var complete, zoned bool
		if err := tx.QueryRow(ctx, HistoryStateSQL).Scan(&complete, &r.HistoryKept, &zoned); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, historyTriggersSQL).Scan(&r.HistoryTriggersNotAlways, &r.HistorySubscribed); err != nil {
			return err
		}
		if !zoned {
			return nil
		}
		return tx.QueryRow(ctx, HistoryZoneSQL).Scan(&r.HistoryZone)
	})
	if err != nil {
		return r, fmt.Errorf("contract check: %w", err)
	}
	for _, rel := range Relations {
		cols, ok := have[rel.Name]
		if !ok {
			r.Missing[rel.Name] = nil
			continue
		}
		var missing []string
		for _, c := range rel.Columns {
			if !cols[c] {
				missing = append(missing, c)
			}
		}
		if missing != nil {
			r.Missing[rel.Name] = missing
		}
		// Only real tables can carry our indexes; a view's base tables are the shop's business.
		if kinds[rel.Name] == "r" || kinds[rel.Name] == "p" {
			for _, idx := range expectedIndexes[rel.Name] {
				if !indexes[idx] {
					r.MissingIndexes = append(r.MissingIndexes, idx)
				}
			}
		}
	}
	sort.Strings(r.MissingIndexes)
	return r, nil
}
