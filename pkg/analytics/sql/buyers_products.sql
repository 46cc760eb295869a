-- Products ranked by their revenue in the period (quantity × unit price of the lines of valid
-- orders), split by the period's new and repeat buyers (SPEC §4 Buyers, channel contribution).
-- $1, $2 the period; $3 its look-back start; $4 rank by ('all', 'new' or 'repeat'); $5 top N;
-- $6, $7 the lowest and highest id of the period's valid orders, or null (see buyersProducts).
-- Ties rank by product id.
WITH
{{- if not history}}
-- The probe form classifies the period's buyers (period_buyers); the history form needs no
-- periods: repeat_by_history reads $1-$3 itself.
periods AS NOT MATERIALIZED (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::timestamptz AS lookback_from
),
{{template "period_buyers"}},
{{- end}}
-- Each line with its buyer's class; grouped by product and class, each class counts its
-- distinct buyers once, and a product's buyers are the sum of its two classes' (a buyer has one
-- class in the period).
lines AS (
    SELECT i.product_id, o.customer_id, i.quantity, i.quantity * i.unit_price AS revenue,
           {{if history}}{{template "repeat_by_history" "o.customer_id"}}{{else}}cb.is_repeat{{end}} AS is_repeat
    FROM orders o
    {{- if not history}}
    JOIN classified_buyers cb ON cb.customer_id = o.customer_id
    {{- end}}
    JOIN order_items i ON i.order_id = o.order_id
    WHERE o.is_valid
      AND o.placed_at >= $1
      AND o.placed_at < $2
      -- Every line of the period's orders is inside their id range, so this changes no figure: it
      -- gives PostgreSQL the range of order_items_order_id to read in order (a merge join)
      -- instead of one lookup per order. With $6 null it folds away (custom plans).
      AND (i.order_id BETWEEN $6 AND $7 OR $6 IS NULL)
),
per_class AS (
    SELECT l.product_id, l.is_repeat, sum(l.quantity) AS units, sum(l.revenue) AS revenue,
           count(DISTINCT l.customer_id) AS buyers
    FROM lines l
    GROUP BY l.product_id, l.is_repeat
),
per_product AS (
    SELECT c.product_id,
           sum(c.units) AS units,
           coalesce(sum(c.revenue) FILTER (WHERE NOT c.is_repeat), 0)::float8 AS new_revenue,
           coalesce(sum(c.revenue) FILTER (WHERE c.is_repeat), 0)::float8 AS repeat_revenue,
           coalesce(sum(c.revenue), 0)::float8 AS revenue,
           coalesce(sum(c.buyers) FILTER (WHERE NOT c.is_repeat), 0) AS new_buyers,
           coalesce(sum(c.buyers) FILTER (WHERE c.is_repeat), 0) AS repeat_buyers,
           sum(c.buyers) AS buyers
    FROM per_class c
    GROUP BY c.product_id
)
-- The contract does not promise a line's product or quantity (as audience_products.sql): the lines
-- without a product are one row, "unknown product" with an empty id, last on a tie; a product
-- whose every quantity is NULL sold 0 units and took 0 revenue.
SELECT coalesce(pp.product_id::text, ''), coalesce(pr.name, pp.product_id::text, 'unknown product'), coalesce(pr.category, 'unknown'),
       coalesce(pp.units, 0)::bigint, pp.new_revenue, pp.repeat_revenue, pp.revenue,
       pp.new_buyers::bigint, pp.repeat_buyers::bigint, pp.buyers::bigint
FROM per_product pp
LEFT JOIN products pr ON pr.product_id = pp.product_id
ORDER BY CASE $4 WHEN 'new' THEN pp.new_revenue WHEN 'repeat' THEN pp.repeat_revenue ELSE pp.revenue END DESC,
         pp.product_id NULLS LAST
LIMIT $5
