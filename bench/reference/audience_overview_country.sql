-- Reference SQL for query type audience_growth, view overview, dimension country; range: as of the end of the last 30 days (only `to` matters), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- The contacts as of `to` by country (none: unknown), leads included in the contacts but not
-- in the customers: per value, customers, lifetime value, average
-- orders and basket, annual orders and revenue per customer (the 365 days before `to`), and the
-- lost share (customers whose last valid order is 385 days or more before `to`).
-- args: from, to

-- $2 to ($1 is not used: the overview is as of `to`)
WITH history AS (
  SELECT customer_id, count(*) AS orders, sum(total) AS revenue,
         min(placed_at) AS first_order, max(placed_at) AS last_order,
         count(*) FILTER (WHERE placed_at >= $2::timestamptz - interval '365 days') AS annual_orders,
         coalesce(sum(total) FILTER (WHERE placed_at >= $2::timestamptz - interval '365 days'), 0) AS annual_revenue
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2 AND $1::timestamptz IS NOT NULL
  GROUP BY customer_id
), contacts AS (
  SELECT coalesce(c.country, 'unknown') AS country,
         h.*
  FROM commerce.customers c
  LEFT JOIN history h USING (customer_id)
  WHERE c.created_at < $2 OR h.customer_id IS NOT NULL
)
SELECT country,
       count(orders) AS customers,
       sum(revenue) / nullif(count(orders), 0) AS avg_clv,
       sum(orders)::float8 / nullif(count(orders), 0) AS avg_orders,
       sum(revenue) / nullif(sum(orders), 0) AS aov,
       sum(annual_orders)::float8 / nullif(count(orders), 0) AS annual_orders,
       sum(annual_revenue) / nullif(count(orders), 0) AS annual_revenue,
       count(*) FILTER (WHERE last_order <= $2::timestamptz - interval '385 days')::float8 / nullif(count(orders), 0) AS lost_share
FROM contacts

GROUP BY 1
ORDER BY 1;
