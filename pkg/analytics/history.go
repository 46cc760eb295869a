package analytics

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// twoWays is a statement in its two forms: probe reads the required contract alone (each buyer
// classified by looking up their earlier orders, each customer's history summed from orders);
// history reads the same answer from the optional order_history (contract capability
// "history"), which costs a scan of the period or of the customers' last rows instead. days marks
// a history form that reads the purchase-day columns, which count local days in the zone the
// history was built in: it is only right for a shop in that zone.
//
// settled is the history form for an as_of ($1) after every order in the history: then each
// customer's last row before as_of is their current one, and the rows whose next order is at
// or after as_of (none) are not read. It equals history where the text does not differ.
type twoWays struct {
	probe, history, settled string
	days                    bool
}

func newTwoWays(probe, history string) twoWays {
	return twoWays{probe: probe, history: history, settled: history, days: strings.Contains(history, "purchase_days")}
}

// expandTwoWays expands sql/<name>.sql with data in each of its forms.
func expandTwoWays(name string, data any) twoWays {
	s := newTwoWays(expand(sqlTemplates, name, data), expand(historyTemplates, name, data))
	s.settled = expand(settledTemplates, name, data)
	return s
}

func statementTwoWays(name string) twoWays { return expandTwoWays(name, nil) }

var historyAgreesSQL = statement("history_agrees")

// pick returns the form to run in tx for periods [froms[i], tos[i]): history when order_history is
// complete and readable, and either kept by the contract's triggers (contract.HistoryStateSQL: all
// four enabled ALWAYS, no logical-replication subscription) or found to agree with orders in every
// one of the periods; probe otherwise, so a missing history, or one behind in a period's own rows,
// costs speed, not a wrong number. The agreement check reads only the periods' rows: a history
// the shop keeps must itself keep each customer's later rows right when an earlier order changes
// (docs/contract.md, "A history the shop keeps"), which no per-period check can see.
func (s twoWays) pick(ctx context.Context, tx database.Tx, froms, tos []time.Time) (string, error) {
	if s.probe == s.history { // the statement does not read the history
		return s.probe, nil
	}
	st, err := readHistoryState(ctx, tx, false)
	if err != nil || !st.complete {
		return s.probe, err
	}
	if !st.kept {
		var agrees bool
		if err := tx.QueryRow(ctx, historyAgreesSQL, froms, tos).Scan(&agrees); err != nil {
			return "", fmt.Errorf("order history check: %w", err)
		}
		if !agrees {
			return s.probe, nil
		}
	}
	return s.history, nil
}

// historyState is what a transaction sees of order_history (contract.HistoryStateSQL): complete
// and readable, kept by the triggers, and the zone of its purchase days ("" when unknown or not
// asked for).
type historyState struct {
	complete, kept bool
	zone           string
}

func readHistoryState(ctx context.Context, tx database.Tx, withZone bool) (historyState, error) {
	var st historyState
	var zoned bool
	if err := tx.QueryRow(ctx, contract.HistoryStateSQL).Scan(&st.complete, &st.kept, &zoned); err != nil {
		return st, fmt.Errorf("order history state: %w", err)
	}
	if withZone && zoned && st.complete {
		if err := tx.QueryRow(ctx, contract.HistoryZoneSQL).Scan(&st.zone); err != nil {
			return st, fmt.Errorf("order history zone: %w", err)
		}
	}
	return st, nil
}

// pickOne is pick for a single period.
func (s twoWays) pickOne(ctx context.Context, tx database.Tx, p Period) (string, error) {
	return s.pick(ctx, tx, []time.Time{p.From}, []time.Time{p.To})
}

// pickKept is pick for statements that read whole customer histories as of a moment (the
// segments, value bands, personas, audience and predicted CLV figures): a history the shop keeps
// cannot be checked against orders for all time cheaply, so only one kept by the triggers is
// read, and a form that reads purchase days only when they are days of the shop's zone.
func (s twoWays) pickKept(ctx context.Context, tx database.Tx, zone string) (string, error) {
	if s.probe == s.history {
		return s.probe, nil
	}
	st, err := readHistoryState(ctx, tx, s.days)
	if err != nil || !st.complete || !st.kept || (s.days && st.zone != zone) {
		return s.probe, err
	}
	return s.history, nil
}

// queryKept runs the form of stmt that pickKept chooses in tx (settled when it can), returning its
// rows and its text.
func (e *Engine) queryKept(ctx context.Context, tx database.Tx, stmt twoWays, args ...any) (pgx.Rows, string, error) {
	return e.queryKeptWith(ctx, tx, stmt, false, args...)
}

// queryKeptMergedHistory is queryKept with hash joins off when the history form runs (the
// predicted CLV inputs: each customer's last row, in customer order, merge-joined to customers).
func (e *Engine) queryKeptMergedHistory(ctx context.Context, tx database.Tx, stmt twoWays, args ...any) (pgx.Rows, string, error) {
	return e.queryKeptWith(ctx, tx, stmt, true, args...)
}

func (e *Engine) queryKeptWith(ctx context.Context, tx database.Tx, stmt twoWays, mergeHistory bool, args ...any) (pgx.Rows, string, error) {
	sql, err := stmt.pickKept(ctx, tx, e.shop.Location.String())
	if err == nil && sql == stmt.history {
		if sql, err = stmt.settle(ctx, tx, args); err == nil && mergeHistory {
			err = withoutHashJoins(ctx, tx)
		}
	}
	if err != nil {
		return nil, "", err
	}
	rs, err := tx.Query(ctx, sql, args...)
	return rs, sql, err
}

// historyLastOrderSQL reads the history's last order time: one entry of order_history_period,
// whatever the plan. (NOT EXISTS (... placed_at >= $1) was measured: once PostgreSQL switches
// the prepared statement to its generic plan, that scans the whole table, 0.54 s at 1M.)
const historyLastOrderSQL = "SELECT max(placed_at) FROM order_history"

// settle returns the settled form of s when its as_of (args[0], dimensions.tmpl.sql) is after
// every order of the history, and the history form otherwise. The dashboards ask as of now, after
// the last order: there the second part of last_rows is empty, but PostgreSQL 15 reads a UNION
// ALL as a plain Append, which then has to be sorted by customer for the merge joins (827k rows
// at 1M: 0.1-0.25 s of a statement). tx is repeatable read, so the answer holds for it.
func (s twoWays) settle(ctx context.Context, tx database.Tx, args []any) (string, error) {
	if s.settled == s.history || len(args) == 0 {
		return s.history, nil
	}
	asOf, ok := args[0].(time.Time)
	if !ok {
		return s.history, nil
	}
	var last *time.Time
	if err := tx.QueryRow(ctx, historyLastOrderSQL).Scan(&last); err != nil {
		return "", fmt.Errorf("order history: last order: %w", err)
	}
	if last == nil || last.Before(asOf) {
		return s.settled, nil
	}
	return s.history, nil
}

// queryMerged is queryKept for the statements that join per-customer sets of the whole customer
// base (customers, each customer's last row, first row of the year, invalid orders): each set
// comes in customer order from its index, so merge joins stream them, where the hash joins
// PostgreSQL's costs prefer build tables of a million entries. Measured at 1M customers (eighth
// round, docs/performance.md): 15-30 % faster for the segment breakdowns and matrices, value
// bands, personas, audience overviews and the CLV holdout. Not used where a statement is worse
// with it (the audience states over many instants, the CLV inputs per dimension). SET LOCAL: it
// lasts until the transaction, which runs only this statement, ends.
func (e *Engine) queryMerged(ctx context.Context, tx database.Tx, stmt twoWays, args ...any) (pgx.Rows, string, error) {
	if err := withoutHashJoins(ctx, tx); err != nil {
		return nil, "", err
	}
	return e.queryKept(ctx, tx, stmt, args...)
}

// withoutHashJoins turns hash joins off for the rest of tx (SET LOCAL), which runs one statement.
func withoutHashJoins(ctx context.Context, tx database.Tx) error {
	_, err := tx.Exec(ctx, "SET LOCAL enable_hashjoin = off")
	return err
}
