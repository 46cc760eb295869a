-- Reference SQL for query type personas, view revenue; range: as of the end of the last 30 days (only `to` matters), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- RFM: recency and frequency scores 1-5 by ntile among customers; ties: the lower customer id
-- comes later (takes the higher score); persona from the usual RxF grid.
-- args: from, to

-- $2 to ($1 is not used)
WITH per_customer AS (
  SELECT customer_id, max(placed_at) AS last_order, count(*) AS orders, sum(total) AS revenue
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2 AND $1::timestamptz IS NOT NULL
  GROUP BY customer_id
), scored AS (
  SELECT *,
         ntile(5) OVER (ORDER BY last_order, customer_id DESC) AS r,
         ntile(5) OVER (ORDER BY orders, customer_id DESC) AS f
  FROM per_customer
), personas AS (
  SELECT *, CASE
    WHEN r = 5 AND f >= 4 THEN 'Champions'
    WHEN r IN (3, 4) AND f >= 4 THEN 'Loyal customers'
    WHEN r IN (4, 5) AND f IN (2, 3) THEN 'Potential loyalists'
    WHEN r = 5 AND f = 1 THEN 'New customers'
    WHEN r = 4 AND f = 1 THEN 'Promising'
    WHEN r = 3 AND f = 3 THEN 'Need attention'
    WHEN r = 3 AND f IN (1, 2) THEN 'About to sleep'
    WHEN r <= 2 AND f IN (3, 4) THEN 'At risk'
    WHEN r <= 2 AND f = 5 THEN 'Can''t lose them'
    ELSE 'Hibernating' END AS persona
  FROM scored
)
SELECT persona,
       count(*) AS customers,
       sum(revenue) AS revenue,
       sum(revenue) / sum(sum(revenue)) OVER () AS revenue_share,
       sum(revenue) / count(*) AS avg_clv,
       sum(orders)::float8 / count(*) AS avg_orders,
       sum(revenue) / sum(orders) AS aov
FROM personas
GROUP BY persona
ORDER BY persona;
