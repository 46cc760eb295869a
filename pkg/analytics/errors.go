package analytics

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// QueryError is a mistake in the query or the data source's setup that the user can fix; its
// message says how.
type QueryError struct {
	msg   string
	cause error
}

func (e *QueryError) Error() string { return e.msg }

// Unwrap returns the sentinel the error stands for, if any (errors.Is).
func (e *QueryError) Unwrap() error { return e.cause }

// Invalidf returns a QueryError with a formatted message.
func Invalidf(format string, args ...any) error {
	return &QueryError{msg: fmt.Sprintf(format, args...)}
}

func invalidf(format string, args ...any) error { return Invalidf(format, args...) }

// IsQueryError reports whether err is the user's to fix.
func IsQueryError(err error) bool {
	var q *QueryError
	return errors.As(err, &q)
}

// explain turns database errors that mean "the contract is not there" or "took too long" into
// messages that say what to do, keeping the cause wrapped.
func explain(what string, err error) error {
	if IsQueryError(err) {
		return err
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "42P01": // undefined_table
			return &QueryError{msg: fmt.Sprintf("%s: %s in the contract schema; create it (docs/contract.md) or map it with CREATE VIEW, then run the data source's health check", what, strings.TrimPrefix(pg.Message, "ERROR: "))}
		case "42703": // undefined_column
			return &QueryError{msg: fmt.Sprintf("%s: %s in the contract schema; add or alias the column (docs/contract.md), then run the health check", what, pg.Message)}
		case "57014": // query_canceled: statement timeout or cancelled request
			return fmt.Errorf("%s: the query was cancelled or ran past the statement timeout; narrow the time range or raise the timeout in the data source settings: %w", what, err)
		case "25006": // read_only_sql_transaction
			return fmt.Errorf("%s: refused to write in a read-only transaction: %w", what, err)
		}
	}
	// pgx's scan of a NULL into a number: the shop's view gives NULL where the contract needs a
	// value (orders.total, which the contract declares not null), which no figure can count.
	if strings.Contains(err.Error(), "cannot scan NULL into") {
		return &QueryError{msg: fmt.Sprintf("%s: the contract schema has NULL where a number is needed (%v); orders.total must not be NULL: map NULLs to 0 in your view, e.g. coalesce(total, 0) (docs/contract.md)", what, err)}
	}
	return fmt.Errorf("%s: %w", what, err)
}
