package analytics

import (
	"context"
	"sort"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// eventsGroup is one way to group the orders behind an event. Value (and Key) are fixed SQL
// expressions: over the order lines i and products pr when Lines, over the orders o otherwise.
type eventsGroup struct {
	Name  string
	Label string
	// Lines: the grouping is a property of the products, so the figures come from order lines.
	Lines bool
	// Attribute: Value reads the product attribute whose key is bound as $8.
	Attribute bool
	Key       string
	Value     string
}

// orderValue groups orders by one of their columns, as text; NULL and empty text are "unknown".
func orderValue(name, column, label string) eventsGroup {
	return eventsGroup{Name: name, Label: label, Value: "coalesce(nullif(o." + column + "::text, ''), 'unknown')"}
}

var eventsGroups = map[string]eventsGroup{
	"product": {Name: "product", Label: "Product", Lines: true,
		Key: "i.product_id::text", Value: "coalesce(pr.name, i.product_id::text)"},
	"product_category": {Name: "product_category", Label: "Product category", Lines: true,
		Key: "''", Value: "coalesce(nullif(pr.category, ''), 'unknown')"},
	"product_attribute": {Name: "product_attribute", Label: "Product attribute", Lines: true, Attribute: true,
		Key: "''", Value: "coalesce(nullif(pr.attributes ->> $8::text, ''), 'unknown')"},
	"store":           orderValue("store", "store_id", "Store"),
	"source_medium":   orderValue("source_medium", "source_medium", "Source medium"),
	"source_name":     orderValue("source_name", "source_name", "Source name"),
	"source_campaign": orderValue("source_campaign", "source_campaign", "Source campaign"),
	"source_domain":   orderValue("source_domain", "source_domain", "Source domain"),
	"device_type":     orderValue("device_type", "device_type", "Device type"),
	"coupon_code":     orderValue("coupon_code", "coupon_code", "Coupon code"),
}

// eventsOrdersSQL is the orders statement expanded once per grouping, joining the event's orders
// (false) or probing them one by one (true: the rare events, probesEvent).
var eventsOrdersSQL = func() map[bool]map[string]twoWays {
	out := map[bool]map[string]twoWays{false: {}, true: {}}
	for _, probe := range []bool{false, true} {
		for name, g := range eventsGroups {
			out[probe][name] = eventsStatement("events_orders", eventsSQL{Group: g, Probe: probe})
		}
	}
	return out
}()

// probesEvent says whether the orders behind event are few enough to read one by one.
func probesEvent(event string) bool {
	return event == WonBack || event == Saved
}

func eventsGroupNames() string {
	names := make([]string, 0, len(eventsGroups))
	for n := range eventsGroups {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

const defaultEventsTopN = 50

// eventsOrders is the table of the orders behind one event in the period, grouped by a product or
// order property: units sold, unique customers and revenue, ranked by revenue.
func (e *Engine) eventsOrders(ctx context.Context, q EventsQuery, p Period) (data.Frames, error) {
	event := q.Event
	if event == "" {
		event = UniqueCustomers
	}
	if !isEvent(event) {
		return nil, invalidf("customer events orders: unknown event %q: use %s", q.Event, eventNames)
	}
	by := q.GroupBy
	if by == "" {
		by = "product"
	}
	g, ok := eventsGroups[by]
	if !ok {
		return nil, invalidf("customer events orders: unknown group by %q: use one of %s", q.GroupBy, eventsGroupNames())
	}
	key := strings.TrimSpace(q.AttributeKey)
	if g.Attribute && key == "" {
		return nil, invalidf("customer events orders: grouping by product_attribute needs an attribute key (a key of products.attributes, such as color)")
	}
	n := defaultEventsTopN
	switch {
	case q.TopN < 0 || q.TopN > maxTopN:
		return nil, invalidf("top N %d is out of range: use 1 to %d (default %d)", q.TopN, maxTopN, defaultEventsTopN)
	case q.TopN > 0:
		n = q.TopN
	}
	stores := []string{}
	for _, s := range q.Stores {
		if strings.TrimSpace(s) == "" {
			return nil, invalidf("customer events orders: a store id is empty: pick stores in the query editor, or none for every store")
		}
		stores = append(stores, s)
	}
	stmt := eventsOrdersSQL[probesEvent(event)][by]
	var sql string
	args := []any{p.From, p.To, e.shop.AtRiskDays, e.shop.LapsedDays, event, stores, n}
	if g.Attribute {
		args = append(args, key)
	}

	f := newFrameBuilder("customer_events_orders")
	var productID *data.Field
	if by == "product" {
		productID = f.str("product_id", "Product id")
	}
	label := g.Label
	if g.Attribute {
		label = key
	}
	value := f.str(by, label)
	units := f.int("units", "Units sold", "short")
	customers := f.int("customers", "Unique customers", "short")
	revenue := f.float("revenue", "Revenue", e.shop.MoneyUnit())
	err := e.db.Read(ctx, func(tx database.Tx) error {
		if g.Attribute {
			// A key no product has would group every order as unknown: say so instead.
			var known bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM products WHERE attributes ? $1)", key).Scan(&known); err != nil {
				return err
			}
			if !known {
				return invalidf("customer events orders: no product has the attribute key %q: use a key of products.attributes, such as color", key)
			}
		}
		var err error
		if sql, err = stmt.pickOne(ctx, tx, p); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r struct {
				key, value  string
				units, cust int64
				revenue     float64
			}
			if err := rows.Scan(&r.key, &r.value, &r.units, &r.cust, &r.revenue); err != nil {
				return err
			}
			if productID != nil {
				productID.Append(r.key)
			}
			value.Append(r.value)
			units.Append(r.units)
			customers.Append(r.cust)
			revenue.Append(r.revenue)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, explain("customer events orders", err)
	}
	frame := f.frame(sql)
	meta := e.eventsMeta(p, Period{}, false)
	meta["event"] = event
	meta["group_by"] = by
	meta["stores"] = "all"
	if len(stores) > 0 {
		meta["stores"] = strings.Join(stores, ", ")
	}
	if g.Attribute {
		meta["attribute_key"] = key
	}
	frame.Meta.Custom = meta
	return data.Frames{frame}, nil
}
