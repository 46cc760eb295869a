-- Reference SQL for query type segments, view breakdown, dimension first_order_channel (as of the range's end); range: as of the end of the last 30 days (only `to` matters), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- The channel of each customer's first valid order (two at the same instant: the lower order id);
-- no channel: unknown; contacts without a valid order: lead.
-- args: from, to

-- $2 to ($1 is not used: the breakdown is as of `to`)
WITH history AS (
  SELECT customer_id,
         count(*) FILTER (WHERE is_valid) AS orders,
         count(*) AS orders_attempted,
         coalesce(sum(total) FILTER (WHERE is_valid), 0) AS revenue
  FROM commerce.orders
  WHERE placed_at < $2 AND $1::timestamptz IS NOT NULL
  GROUP BY customer_id
), first_orders AS (
  SELECT DISTINCT ON (customer_id) customer_id, channel
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2
  ORDER BY customer_id, placed_at, order_id
), contacts AS (
  SELECT c.customer_id, coalesce(h.orders, 0) AS orders, coalesce(h.orders_attempted, 0) AS orders_attempted,
         coalesce(h.revenue, 0) AS revenue,
         CASE WHEN f.customer_id IS NULL THEN 'lead' ELSE coalesce(nullif(f.channel, ''), 'unknown') END AS first_order_channel
  FROM commerce.customers c
  LEFT JOIN history h USING (customer_id)
  LEFT JOIN first_orders f USING (customer_id)
  WHERE c.created_at < $2
)
SELECT first_order_channel,
       count(*) AS contacts,
       count(*) FILTER (WHERE orders > 0) AS customers,
       count(*) FILTER (WHERE orders >= 2) AS repeat_customers,
       count(*) FILTER (WHERE orders = 1) AS one_time_customers,
       sum(orders) AS orders,
       sum(orders_attempted) AS orders_attempted,
       sum(revenue) AS revenue,
       sum(revenue) / nullif(count(*) FILTER (WHERE orders > 0), 0) AS avg_clv,
       sum(orders)::float8 / nullif(count(*) FILTER (WHERE orders > 0), 0) AS avg_orders,
       sum(revenue) / nullif(sum(orders), 0) AS aov
FROM contacts
GROUP BY 1
ORDER BY 1;
