-- Reference SQL for query type audience_growth, view popular_products, segment active (top 10); range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- The customers active as of `to` (first valid order more than 30 days before it, last within
-- the 182-day at-risk threshold); the lines of their valid orders in the period, per product:
-- units, customers, revenue (quantity x unit price); ranked by units, ties by product id.
-- args: from, to

-- $1 from, $2 to
WITH active AS (
  SELECT customer_id
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2
  GROUP BY customer_id
  HAVING min(placed_at) < $2::timestamptz - interval '30 days'
     AND max(placed_at) > $2::timestamptz - interval '182 days'
)
SELECT i.product_id::text AS product_id,
       coalesce(p.name, i.product_id::text) AS product,
       coalesce(p.category, 'unknown') AS category,
       sum(i.quantity) AS units,
       count(DISTINCT o.customer_id) AS customers,
       sum(i.quantity * i.unit_price) AS revenue
FROM commerce.orders o
JOIN active a USING (customer_id)
JOIN commerce.order_items i ON i.order_id = o.order_id
LEFT JOIN commerce.products p ON p.product_id = i.product_id
WHERE o.is_valid AND o.placed_at >= $1 AND o.placed_at < $2
GROUP BY i.product_id, p.name, p.category
ORDER BY units DESC, i.product_id
LIMIT 10;
