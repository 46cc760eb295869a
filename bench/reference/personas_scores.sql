-- Reference SQL for query type personas, view scores (customers per recency, frequency and monetary score); range: as of the end of the last 30 days (only `to` matters), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns and the keys below are the row
-- keys).
-- RFM: scores 1-5 by ntile among customers (recency by the last valid order, frequency by valid
-- orders, monetary by revenue); ties: the lower customer id comes later (takes the higher score).
-- Every (r, f, m), even with 0 customers; share: of all customers.
-- args: from, to
-- keys: r, f, m

-- $2 to ($1 is not used)
WITH per_customer AS (
  SELECT customer_id, max(placed_at) AS last_order, count(*) AS orders, sum(total) AS revenue
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2 AND $1::timestamptz IS NOT NULL
  GROUP BY customer_id
), scored AS (
  SELECT ntile(5) OVER (ORDER BY last_order, customer_id DESC) AS r,
         ntile(5) OVER (ORDER BY orders, customer_id DESC) AS f,
         ntile(5) OVER (ORDER BY revenue, customer_id DESC) AS m
  FROM per_customer
), cells AS (
  SELECT r, f, m FROM generate_series(1, 5) AS r, generate_series(1, 5) AS f, generate_series(1, 5) AS m
)
SELECT c.r, c.f, c.m,
       CASE
         WHEN c.r = 5 AND c.f >= 4 THEN 'Champions'
         WHEN c.r IN (3, 4) AND c.f >= 4 THEN 'Loyal customers'
         WHEN c.r IN (4, 5) AND c.f IN (2, 3) THEN 'Potential loyalists'
         WHEN c.r = 5 AND c.f = 1 THEN 'New customers'
         WHEN c.r = 4 AND c.f = 1 THEN 'Promising'
         WHEN c.r = 3 AND c.f = 3 THEN 'Need attention'
         WHEN c.r = 3 AND c.f IN (1, 2) THEN 'About to sleep'
         WHEN c.r <= 2 AND c.f IN (3, 4) THEN 'At risk'
         WHEN c.r <= 2 AND c.f = 5 THEN 'Can''t lose them'
         ELSE 'Hibernating' END AS persona,
       count(s.r) AS customers,
       count(s.r)::float8 / (SELECT count(*) FROM per_customer) AS share
FROM cells c
LEFT JOIN scored s ON s.r = c.r AND s.f = c.f AND s.m = c.m
GROUP BY c.r, c.f, c.m
ORDER BY 1, 2, 3;
