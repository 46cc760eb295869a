-- Products ranked by their revenue in the period (quantity × unit price of the lines of valid
-- orders), split by the period's new and repeat buyers (SPEC §4 Buyers, channel contribution).
-- $1, $2 the period; $3 its look-back start; $4 rank by ('all', 'new' or 'repeat'); $5 top N.
-- Ties rank by product id.
WITH periods AS NOT MATERIALIZED (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::timestamptz AS lookback_from
),
{{template "period_buyers"}},
lines AS (
    SELECT i.product_id, o.customer_id, i.quantity, i.quantity * i.unit_price AS revenue, cb.is_repeat
    FROM orders o
    JOIN classified_buyers cb ON cb.customer_id = o.customer_id
    JOIN order_items i ON i.order_id = o.order_id
    WHERE o.is_valid
      AND o.placed_at >= $1
      AND o.placed_at < $2
),
per_product AS (
    SELECT l.product_id,
           sum(l.quantity) AS units,
           coalesce(sum(l.revenue) FILTER (WHERE NOT l.is_repeat), 0)::float8 AS new_revenue,
           coalesce(sum(l.revenue) FILTER (WHERE l.is_repeat), 0)::float8 AS repeat_revenue,
           sum(l.revenue)::float8 AS revenue,
           count(DISTINCT l.customer_id) FILTER (WHERE NOT l.is_repeat) AS new_buyers,
           count(DISTINCT l.customer_id) FILTER (WHERE l.is_repeat) AS repeat_buyers,
           count(DISTINCT l.customer_id) AS buyers
    FROM lines l
    GROUP BY l.product_id
)
SELECT pp.product_id::text, coalesce(pr.name, pp.product_id::text), coalesce(pr.category, 'unknown'),
       pp.units::bigint, pp.new_revenue, pp.repeat_revenue, pp.revenue, pp.new_buyers, pp.repeat_buyers, pp.buyers
FROM per_product pp
LEFT JOIN products pr ON pr.product_id = pp.product_id
ORDER BY CASE $4 WHEN 'new' THEN pp.new_revenue WHEN 'repeat' THEN pp.repeat_revenue ELSE pp.revenue END DESC,
         pp.product_id
LIMIT $5
