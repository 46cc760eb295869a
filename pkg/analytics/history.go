package analytics

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
)

// twoWays is a buyers statement in its two forms: probe classifies each buyer by looking up their
// earlier orders (the required contract alone); history reads the same answer from the period's
// rows of the optional order_history (contract capability "history"), which costs a scan of the
// period instead of one index probe per buyer.
type twoWays struct{ probe, history string }

func statementTwoWays(name string) twoWays {
	return twoWays{probe: statement(name), history: expand(historyTemplates, name, nil)}
}

var historyAgreesSQL = statement("history_agrees")

// pick returns the form to run in tx for periods [froms[i], tos[i]): history when order_history is
// complete and readable, and either kept by the contract's triggers or found to agree with orders
// in every one of the periods; probe otherwise, so a missing or stale history costs speed, never
// a wrong number.
func (s twoWays) pick(ctx context.Context, tx pgx.Tx, froms, tos []time.Time) (string, error) {
	if s.probe == s.history { // the statement does not read the history
		return s.probe, nil
	}
	complete, kept, err := historyState(ctx, tx)
	if err != nil || !complete {
		return s.probe, err
	}
	if !kept {
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

// historyState reads whether order_history is complete and readable, and whether the triggers
// keep it (contract.HistoryStateSQL).
func historyState(ctx context.Context, tx pgx.Tx) (complete, kept bool, err error) {
	if err = tx.QueryRow(ctx, contract.HistoryStateSQL).Scan(&complete, &kept); err != nil {
		err = fmt.Errorf("order history state: %w", err)
	}
	return complete, kept, err
}

// pickOne is pick for a single period.
func (s twoWays) pickOne(ctx context.Context, tx pgx.Tx, p Period) (string, error) {
	return s.pick(ctx, tx, []time.Time{p.From}, []time.Time{p.To})
}

// pickKept is pick for statements that read whole customer histories as of a moment (the
// segments, value bands, personas and audience figures): a history the shop keeps cannot be
// checked against orders for all time cheaply, so only one kept by the triggers is read.
func (s twoWays) pickKept(ctx context.Context, tx pgx.Tx) (string, error) {
	if s.probe == s.history {
		return s.probe, nil
	}
	complete, kept, err := historyState(ctx, tx)
	if err != nil || !complete || !kept {
		return s.probe, err
	}
	return s.history, nil
}

// queryKept runs the form of stmt that pickKept chooses in tx, returning its rows and its text.
func queryKept(ctx context.Context, tx pgx.Tx, stmt twoWays, args ...any) (pgx.Rows, string, error) {
	sql, err := stmt.pickKept(ctx, tx)
	if err != nil {
		return nil, "", err
	}
	rs, err := tx.Query(ctx, sql, args...)
	return rs, sql, err
}
