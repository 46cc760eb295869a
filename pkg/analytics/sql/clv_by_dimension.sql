-- Predicted CLV per value of a customer dimension: each customer as of $1 with the value, their
-- model inputs (x, t_x, T) and their mean repeat-purchase value; Go predicts and sums per value
-- (clv.go). Not grouped by (value, x, t_x, T) here: at a million customers nearly every customer
-- is a group of their own, and the grouping cost more (a 130 MB hash, 1.2 s) than sending the
-- rows. Leads have no purchase history and no prediction.
-- Parameters: dimensions.tmpl.sql's $1–$11, then $12 the shop's time zone and $13 the local day of
-- as_of's last instant.
-- The customers are those with a valid order before as_of (clv_summaries). A dimension of the
-- customers row alone reads that row for them; the others need every contact's order figures
-- (contact_dims). From orders that costs a second pass over the orders; from order_history,
-- contact_dims's last rows carry the purchase days too (.Days), so they are read once.
WITH {{if .Dim.CustomerRow}}{{template "dimension_params"}}{{else}}{{template "contact_dims" .}}{{end}},
clv_params AS NOT MATERIALIZED (
    SELECT $1::timestamptz AS as_of, $12::text AS tz, $13::date AS end_day
),
{{- if and history (not .Dim.CustomerRow)}}
-- The model inputs of each customer, as clv_summaries (clv.tmpl.sql) computes them from the same
-- last row of order_history.
clv_contacts AS (
    SELECT c.*,
           c.purchase_days - 1 AS x,
           (c.last_at AT TIME ZONE cp.tz)::date - (c.first_at AT TIME ZONE cp.tz)::date AS tx_days,
           cp.end_day - (c.first_at AT TIME ZONE cp.tz)::date AS t_days,
           c.revenue - c.first_day_revenue AS repeat_value
    FROM contact_dims c
    CROSS JOIN clv_params cp
    WHERE c.is_customer
)
SELECT {{.Dim.Expr}} AS value,
       c.x, c.tx_days, c.t_days,
       (CASE WHEN c.x > 0 THEN c.repeat_value / c.x ELSE 0 END)::float8 AS mean
FROM clv_contacts c
CROSS JOIN params p
{{- else}}
{{template "clv_orders_joined" .}},
{{template "clv_summaries" .}}
SELECT {{.Dim.Expr}} AS value,
       s.x, s.tx_days, s.t_days,
       (CASE WHEN s.x > 0 THEN s.repeat_value / s.x ELSE 0 END)::float8 AS mean
FROM {{if .Dim.CustomerRow}}customers{{else}}contact_dims{{end}} c
JOIN clv_summaries s ON s.customer_id = c.customer_id
CROSS JOIN params p
{{- end}}
