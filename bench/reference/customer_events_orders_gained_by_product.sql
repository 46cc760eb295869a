-- Reference SQL for query type customer_events, view orders, event customers_gained, grouped by product (top 50); range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- The first-ever valid orders placed in the period; per product of their lines: units, distinct
-- customers, revenue (quantity x unit price); ranked by revenue, ties by product name, then id.
-- args: from, to

-- $1 from, $2 to
WITH first_orders AS (
  SELECT DISTINCT ON (customer_id) order_id, customer_id, placed_at
  FROM commerce.orders
  WHERE is_valid
  ORDER BY customer_id, placed_at, order_id
)
SELECT i.product_id::text AS product_id,
       coalesce(p.name, i.product_id::text) AS product,
       sum(i.quantity) AS units,
       count(DISTINCT f.customer_id) AS customers,
       sum(i.quantity * i.unit_price) AS revenue
FROM first_orders f
JOIN commerce.order_items i ON i.order_id = f.order_id
LEFT JOIN commerce.products p ON p.product_id = i.product_id
WHERE f.placed_at >= $1 AND f.placed_at < $2
GROUP BY 1, 2
ORDER BY revenue DESC, product, product_id
LIMIT 50;
