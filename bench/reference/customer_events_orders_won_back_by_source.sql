-- Reference SQL for query type customer_events, view orders, event won_back, grouped by source medium (top 50); range: the last 90 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- The valid orders in the period placed at least 385 days (the default lapsed threshold) after
-- the customer's previous valid order; per source medium (none or empty: unknown): units (all
-- their lines' quantities), distinct customers, revenue (the orders' totals); ranked by revenue,
-- ties by value.
-- args: from, to

-- $1 from, $2 to
WITH gaps AS (
  SELECT order_id, customer_id, placed_at, total, source_medium,
         placed_at - lag(placed_at) OVER (PARTITION BY customer_id ORDER BY placed_at, order_id) AS gap
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2
), won_back AS (
  SELECT * FROM gaps WHERE placed_at >= $1 AND gap >= interval '385 days'
)
SELECT coalesce(nullif(w.source_medium::text, ''), 'unknown') AS source_medium,
       coalesce(sum(l.units), 0) AS units,
       count(DISTINCT w.customer_id) AS customers,
       sum(w.total) AS revenue
FROM won_back w
LEFT JOIN (SELECT order_id, sum(quantity) AS units FROM commerce.order_items GROUP BY order_id) l USING (order_id)
GROUP BY 1
ORDER BY revenue DESC, 1
LIMIT 50;
