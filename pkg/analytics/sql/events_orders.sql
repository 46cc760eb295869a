-- The orders behind one customer event in the period (SPEC §4 Customer events, the table),
-- grouped by {{.Group.Name}}: units sold, unique customers and revenue, ranked by revenue, ties by
-- the group's value. The events are decided on all the shop's valid orders; the store filter then
-- keeps the event orders placed in the chosen stores.
-- $1, $2 the period; $3 at-risk and $4 lapsed threshold in days of 24 hours; $5 the event
-- (unique_customers, customers_gained, second_orders, won_back or saved); $6 store ids as text
-- (empty: every store); $7 top N{{if .Group.Attribute}}; $8 the product attribute key{{end}}.
WITH periods AS NOT MATERIALIZED (
    SELECT 1 AS period, 1 AS range_id, $1::timestamptz AS period_from, $2::timestamptz AS period_to,
           $1::timestamptz AS range_from
),
{{template "event_thresholds"}},
{{template "event_orders" .}},
chosen_orders AS (
    SELECT o.order_id, o.customer_id, o.total{{if not .Group.Lines}}, {{.Group.Value}} AS value{{end}}
    FROM event_orders eo
{{- if .Probe}}
    -- The event keeps few of the period's orders (those winning a customer back or saving one):
    -- each is read by its key. Joined plainly, the planner cannot estimate the event's test (two
    -- columns of a row compared), takes it for a third of the period's orders and hashes every
    -- order of the shop against them; OFFSET 0 keeps the lookup per event order.
    CROSS JOIN LATERAL (SELECT * FROM orders o WHERE o.order_id = eo.order_id OFFSET 0) o
{{- else}}
    JOIN orders o ON o.order_id = eo.order_id
{{- end}}
    WHERE CASE $5::text
              WHEN 'unique_customers' THEN true
              WHEN 'customers_gained' THEN eo.earlier = 0
              WHEN 'second_orders' THEN eo.earlier = 1
              WHEN 'won_back' THEN eo.wins_back
              WHEN 'saved' THEN eo.saves
          END
      AND (cardinality($6::text[]) = 0 OR o.store_id::text = ANY ($6::text[]))
),
{{- if .Group.Lines}}
-- Product groupings count the order lines: units are their quantities, revenue quantity × unit price.
groups AS (
    SELECT {{.Group.Key}} AS key,
           {{.Group.Value}} AS value,
           sum(i.quantity) AS units,
           count(DISTINCT co.customer_id) AS customers,
           sum(i.quantity * i.unit_price) AS revenue
    FROM chosen_orders co
    JOIN order_items i ON i.order_id = co.order_id
    LEFT JOIN products pr ON pr.product_id = i.product_id
    GROUP BY 1, 2
)
{{- else}}
-- Order groupings count whole orders: units are the quantities of their lines, revenue their totals.
groups AS (
    SELECT co.value AS key,
           co.value,
           coalesce(sum(u.units), 0) AS units,
           count(DISTINCT co.customer_id) AS customers,
           sum(co.total) AS revenue
    FROM chosen_orders co
    LEFT JOIN LATERAL (
        SELECT sum(i.quantity) AS units
        FROM order_items i
        WHERE i.order_id = co.order_id
    ) u ON true
    GROUP BY 1, 2
)
{{- end}}
SELECT key, value, units::bigint, customers, revenue::float8
FROM groups
ORDER BY revenue DESC, value, key
LIMIT $7
