-- Reference SQL for query type customer_events, view orders, event second_orders, grouped by the product attribute "color" (top 50); range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Each customer's second valid order, when placed in the period; per value of its lines'
-- products' attribute "color" (missing or empty: unknown): units, distinct customers, revenue
-- (quantity x unit price); ranked by revenue, ties by value.
-- args: from, to

-- $1 from, $2 to
WITH numbered AS (
  SELECT order_id, customer_id, placed_at,
         row_number() OVER (PARTITION BY customer_id ORDER BY placed_at, order_id) AS n
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2
)
SELECT coalesce(nullif(p.attributes ->> 'color', ''), 'unknown') AS product_attribute,
       sum(i.quantity) AS units,
       count(DISTINCT o.customer_id) AS customers,
       sum(i.quantity * i.unit_price) AS revenue
FROM numbered o
JOIN commerce.order_items i ON i.order_id = o.order_id
LEFT JOIN commerce.products p ON p.product_id = i.product_id
WHERE o.n = 2 AND o.placed_at >= $1
GROUP BY 1
ORDER BY revenue DESC, 1
LIMIT 50;
