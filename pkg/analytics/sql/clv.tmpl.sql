{{/*
The model inputs of predicted CLV (SPEC §4 "Predicted CLV"), per customer as of a moment, in the
convention of the published CDNOW summaries: a purchase is a local calendar day with at least one
valid order (several orders on one day are one purchase, their totals summed), and
  x             repeat purchases: purchase days after the first
  tx_days       days from the first purchase day to the last one (0 when x = 0)
  t_days        days from the first purchase day to end_day, the local day of the moment's last
                instant (the customer's age T)
  repeat_value  the summed totals of the repeat purchase days (their mean is repeat_value / x)
Days are whole: the Go side divides them by the time unit (1 for days, 7 for weeks).

Statements that include it define clv_params(as_of, tz, end_day) first, all bound parameters or
constants, then the order read: "clv_orders" (every customer), "clv_orders_range" (customers
with ids in [$4, $5], which clv_params must carry as first_customer and last_customer), so the
per-customer read of an integer-keyed shop can be split into ranges read side by side (clv.go),
or "clv_orders_scope" (the customers with a valid order in [since, as_of), which clv_params must
carry as since: the customer report's scope, which, as the report's other key metrics, holds a
customer id with no customers row too; so the scope read has no orphan test, and its statement
passes "scope" to clv_summaries, which skips it there as well).
Ids of other types (text, uuid) are read whole: the range bounds only make sense for integers.
With order_history kept by its triggers and built in the shop's zone (history forms), the inputs
come from each customer's last row before the moment instead: its purchase_days and
first_day_revenue count the customer's days until then, so one row per customer is read, not
every order.
Cost: one pass over the valid orders before as_of in (customer_id, placed_at) order, straight from
orders_valid_customer_placed_at (the local day is monotonic in placed_at, so no sort is needed
for the window; count(DISTINCT) sorts within one customer's handful of days).
*/}}
{{define "clv_orders"}}{{template "clv_orders_read" ""}}{{end}}
{{define "clv_orders_range"}}{{template "clv_orders_read" "range"}}{{end}}
{{define "clv_orders_scope"}}{{template "clv_orders_read" "scope"}}{{end}}
{{/* For a statement that joins the customers rows itself (clv_by_dimension): no orphan filter. */}}
{{define "clv_orders_joined"}}{{template "clv_orders_read" "joined"}}{{end}}
{{define "clv_orders_read" -}}
{{- if history}}
-- Each customer's last row of order_history before as_of {{- if eq . "range"}} (customers with ids in [first_customer, last_customer]){{end}}
{{- if eq . "scope"}} (customers whose last row before as_of is at or after since: those with a valid order in [since, as_of)){{end}}:
-- its purchase days and first day's revenue so far are the customer's until as_of.
-- Two parts, as in last_rows (dimensions.tmpl.sql): the rows with no next order, then those whose
-- next order is at or after as_of.
clv_orders AS (
    SELECT h.customer_id, h.placed_at, h.total, h.earlier_revenue, h.first_placed_at,
           h.purchase_days, h.first_day_revenue
    FROM clv_params cp
    JOIN order_history h ON h.next_placed_at IS NULL AND h.placed_at < cp.as_of
    {{- if eq . "range"}}
                        AND h.customer_id BETWEEN cp.first_customer AND cp.last_customer
    {{- else if eq . "scope"}}
                        AND h.placed_at >= cp.since
    {{- end}}
    {{- if and (ne . "joined") (ne . "scope")}}
    -- Orders whose customer has no customers row count nowhere (as in contact_dims). Tested in
    -- each part, where the last rows come in customer order: a merge join with customers_pkey
    -- (clvRead turns hash joins off), +0.15 s at 1M, where after the UNION it hashed a million
    -- customers, +0.55 s.
    WHERE EXISTS (SELECT FROM customers c WHERE c.customer_id = h.customer_id)
    {{- end}}
    UNION ALL
    SELECT h.customer_id, h.placed_at, h.total, h.earlier_revenue, h.first_placed_at,
           h.purchase_days, h.first_day_revenue
    FROM clv_params cp
    JOIN order_history h ON h.next_placed_at >= cp.as_of AND h.placed_at < cp.as_of
    {{- if eq . "range"}}
                        AND h.customer_id BETWEEN cp.first_customer AND cp.last_customer
    {{- else if eq . "scope"}}
                        AND h.placed_at >= cp.since
    {{- end}}
    {{- if and (ne . "joined") (ne . "scope")}}
    WHERE EXISTS (SELECT FROM customers c WHERE c.customer_id = h.customer_id)
    {{- end}}
)
{{- else}}
-- Each valid order before as_of {{- if eq . "range"}} of the customers with ids in [first_customer, last_customer]{{end}}
{{- if eq . "scope"}} of the customers with a valid order in [since, as_of){{end}},
-- with its local day and its customer's first purchase day.
{{- if eq . "scope"}}
clv_scope AS (
    SELECT DISTINCT s.customer_id
    FROM clv_params cp
    JOIN orders s ON s.is_valid AND s.placed_at >= cp.since AND s.placed_at < cp.as_of
),
{{- end}}
clv_orders AS (
    SELECT o.customer_id, o.total,
           (o.placed_at AT TIME ZONE cp.tz)::date AS day,
           min((o.placed_at AT TIME ZONE cp.tz)::date) OVER (PARTITION BY o.customer_id) AS first_day
    FROM clv_params cp
    {{- if eq . "scope"}}
    JOIN clv_scope sc ON true
    JOIN orders o ON o.customer_id = sc.customer_id AND o.is_valid AND o.placed_at < cp.as_of
    {{- else}}
    JOIN orders o ON o.is_valid AND o.placed_at < cp.as_of
    {{- end}}
    {{- if eq . "range"}}
                 AND o.customer_id BETWEEN cp.first_customer AND cp.last_customer
    {{- end}}
)
{{- end}}
{{- end}}
{{define "clv_summaries" -}}
-- One row per customer with a customers row and a valid order before as_of: orders whose customer
-- has no customers row count nowhere in the product (as in contact_dims), so neither in the fit
-- nor in any view. The history form tests it in clv_orders; the orders form once per customer,
-- after the grouping, not once per order. A statement that joins the customers rows itself
-- (clv_by_dimension, whose data is not nil) skips it, and so does the customer report's scope
-- (clv_customers_scope passes "scope"): the report counts those ids as customers.
{{- if history}}
clv_summaries AS (
    SELECT o.customer_id,
           o.purchase_days - 1 AS x,
           (o.placed_at AT TIME ZONE cp.tz)::date - (o.first_placed_at AT TIME ZONE cp.tz)::date AS tx_days,
           cp.end_day - (o.first_placed_at AT TIME ZONE cp.tz)::date AS t_days,
           o.earlier_revenue + o.total - o.first_day_revenue AS repeat_value
    FROM clv_orders o
    CROSS JOIN clv_params cp
)
{{- else}}
clv_grouped AS (
    SELECT o.customer_id,
           count(DISTINCT o.day) - 1 AS x,
           max(o.day) - min(o.first_day) AS tx_days,
           cp.end_day - min(o.first_day) AS t_days,
           coalesce(sum(o.total) FILTER (WHERE o.day > o.first_day), 0) AS repeat_value
    FROM clv_orders o
    CROSS JOIN clv_params cp
    GROUP BY o.customer_id, cp.end_day
),
clv_summaries AS (
    SELECT g.*
    FROM clv_grouped g
    {{- if not .}}
    WHERE EXISTS (SELECT FROM customers c WHERE c.customer_id = g.customer_id)
    {{- end}}
)
{{- end}}
{{- end}}
