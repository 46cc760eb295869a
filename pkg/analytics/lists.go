package analytics

import (
	"context"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5"
)

// Option is one choice of a dashboard variable.
type Option struct {
	Value string `json:"value"`
	Text  string `json:"text"`
}

// ListQuery is the query model of query type "variables": the choices of a dashboard variable.
type ListQuery struct {
	// List is accounts, content or stores.
	List string `json:"list"`
	// Accounts narrows content to some accounts (ids as text).
	Accounts []string `json:"accounts"`
}

var listStatements = map[string]string{
	"accounts": statement("list_accounts"),
	"content":  statement("list_content"),
	"stores":   statement("list_stores"),
}

// List returns the choices of a list.
func (e *Engine) List(ctx context.Context, q ListQuery) ([]Option, error) {
	sql, ok := listStatements[q.List]
	if !ok {
		return nil, invalidf("unknown list %q: use accounts, content or stores", q.List)
	}
	var args []any
	if q.List == "content" {
		accounts := q.Accounts
		if accounts == nil {
			accounts = []string{}
		}
		args = append(args, accounts)
	}
	var out []Option
	err := e.db.Read(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Option, error) {
			var o Option
			err := r.Scan(&o.Value, &o.Text)
			return o, err
		})
		return err
	})
	if err != nil {
		return nil, explain("list "+q.List, err)
	}
	return out, nil
}

// ListFrame answers a variable query: a frame with text and value fields.
func (e *Engine) ListFrame(ctx context.Context, q ListQuery) (data.Frames, error) {
	opts, err := e.List(ctx, q)
	if err != nil {
		return nil, err
	}
	f := newFrameBuilder("variables_" + q.List)
	text := f.str("text", "Text")
	value := f.str("value", "Value")
	for _, o := range opts {
		text.Append(o.Text)
		value.Append(o.Value)
	}
	return data.Frames{f.frame(listStatements[q.List])}, nil
}
