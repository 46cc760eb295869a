package analytics

import (
	"context"
	"sort"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// Option is one choice of a dashboard variable.
type Option struct {
	Value string `json:"value"`
	Text  string `json:"text"`
}

// ListQuery is the query model of query type "variables": the choices of a dashboard variable.
type ListQuery struct {
	// List is accounts, content, stores, dimensions (the customer dimensions segments split by)
	// or dimension_values (the values of Dimension as of the period's end).
	List string `json:"list"`
	// Accounts narrows content to some accounts (ids as text).
	Accounts []string `json:"accounts"`
	// Dimension is the customer dimension whose values dimension_values lists.
	Dimension string `json:"dimension"`
}

var listStatements = map[string]string{
	"accounts": statement("list_accounts"),
	"content":  expand(sqlTemplates, "list_content", struct{ Accounts bool }{false}),
	"stores":   statement("list_stores"),
}

// listContentOfAccountsSQL is the content list of some accounts.
var listContentOfAccountsSQL = expand(sqlTemplates, "list_content", struct{ Accounts bool }{true})

var (
	storeIndexSQL     = statement("store_index")
	listStoresWalkSQL = statement("list_stores_walk")
)

// List returns the choices of a list.
func (e *Engine) List(ctx context.Context, q ListQuery) ([]Option, error) {
	opts, _, err := e.list(ctx, q)
	return opts, err
}

// list returns the choices of a list and the statement that read them.
func (e *Engine) list(ctx context.Context, q ListQuery) ([]Option, string, error) {
	sql, ok := listStatements[q.List]
	if !ok {
		return nil, "", invalidf("unknown list %q: use accounts, content, stores, dimensions or dimension_values", q.List)
	}
	var args []any
	if q.List == "content" && len(q.Accounts) > 0 {
		sql = listContentOfAccountsSQL
		args = append(args, q.Accounts)
	}
	var out []Option
	err := e.db.Read(ctx, func(tx database.Tx) error {
		if q.List == "stores" {
			var indexed bool
			if err := tx.QueryRow(ctx, storeIndexSQL).Scan(&indexed); err != nil {
				return err
			}
			if indexed {
				sql = listStoresWalkSQL
			}
		}
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
		return nil, "", explain("list "+q.List, err)
	}
	return out, sql, nil
}

// ListFrame answers a variable query: a frame with text and value fields. p is the dashboard's
// time range: dimension values are those of the contacts as of its end.
func (e *Engine) ListFrame(ctx context.Context, q ListQuery, p Period) (data.Frames, error) {
	var opts []Option
	var sql string
	var err error
	switch q.List {
	case "dimensions":
		opts = dimensionOptions()
	case "dimension_values":
		opts, sql, err = e.dimensionValueOptions(ctx, q.Dimension, p)
	default:
		opts, sql, err = e.list(ctx, q)
	}
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
	return data.Frames{f.frame(sql)}, nil
}

// dimensionOptions lists the customer dimensions, by label.
func dimensionOptions() []Option {
	out := make([]Option, 0, len(customerDimensions))
	for name, d := range customerDimensions {
		out = append(out, Option{Value: name, Text: d.label})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Text < out[j].Text })
	return out
}

// dimensionValueOptions lists a dimension's values: a closed set as defined, an open one (country,
// city, store…) as the values the contacts have as of p's end, largest first.
func (e *Engine) dimensionValueOptions(ctx context.Context, name string, p Period) ([]Option, string, error) {
	d, err := customerDimensionOf(name)
	if err != nil {
		return nil, "", err
	}
	var sql string
	var values []string
	if d.values != nil {
		values = d.values(e.shop)
	} else {
		if err := p.Validate(); err != nil {
			return nil, "", err
		}
		// Only the values and their sizes: not the breakdown's figures and predictions.
		sizes := map[string]int64{}
		err := e.db.Read(ctx, func(tx database.Tx) error {
			rs, ran, err := e.queryMerged(ctx, tx, segmentValuesSQL[d.Name], e.dimensionArgs(p)...)
			sql = ran
			if err != nil {
				return err
			}
			defer rs.Close()
			for rs.Next() {
				var raw string
				var n int64
				if err := rs.Scan(&raw, &n); err != nil {
					return err
				}
				sizes[e.shop.dimensionValue(d, raw)] += n
			}
			return rs.Err()
		})
		if err != nil {
			return nil, "", explain("values of "+d.label, err)
		}
		values = e.shop.orderValues(d, sizes)
	}
	out := make([]Option, len(values))
	for i, v := range values {
		out[i] = Option{Value: v, Text: v}
	}
	return out, sql, nil
}
