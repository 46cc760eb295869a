-- Reference SQL for query type value_bands, view breakdown (the segment breakdown by value band); range: as of the end of the last 30 days (only `to` matters), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Bands: the customer's AOV against the shop AOV (all valid orders before `to`): low < 75 %,
-- medium 75-125 %, high 125-250 %, very high > 250 % (defaults); contacts without a valid order
-- are leads.
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
), shop AS (
  SELECT sum(total) / count(*) AS aov FROM commerce.orders WHERE is_valid AND placed_at < $2
), contacts AS (
  SELECT c.customer_id, coalesce(h.orders, 0) AS orders, coalesce(h.orders_attempted, 0) AS orders_attempted,
         coalesce(h.revenue, 0) AS revenue,
         CASE WHEN coalesce(h.orders, 0) = 0 THEN 'lead'
              WHEN h.revenue / h.orders < 0.75 * s.aov THEN 'low'
              WHEN h.revenue / h.orders <= 1.25 * s.aov THEN 'medium'
              WHEN h.revenue / h.orders <= 2.5 * s.aov THEN 'high'
              ELSE 'very high' END AS value_band
  FROM commerce.customers c
  LEFT JOIN history h USING (customer_id)
  CROSS JOIN shop s
  WHERE c.created_at < $2
)
SELECT value_band,
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
