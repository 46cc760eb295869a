-- Reference SQL for query type personas, view by_stage; range: as of the end of the last 30 days (only `to` matters), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- RFM: recency and frequency scores 1-5 by ntile among customers, the lifecycle stage the recency
-- tertile (3 Active, 2 Lapsing, 1 Inactive); ties: the lower customer id comes later (takes the
-- higher score); persona from the usual RxF grid. Every persona and stage, even with 0 customers.
-- args: from, to

-- $2 to ($1 is not used)
WITH per_customer AS (
  SELECT customer_id, max(placed_at) AS last_order, count(*) AS orders
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2 AND $1::timestamptz IS NOT NULL
  GROUP BY customer_id
), scored AS (
  SELECT *,
         ntile(5) OVER (ORDER BY last_order, customer_id DESC) AS r,
         ntile(5) OVER (ORDER BY orders, customer_id DESC) AS f,
         ntile(3) OVER (ORDER BY last_order, customer_id DESC) AS stage_score
  FROM per_customer
), personas AS (
  SELECT CASE
    WHEN r = 5 AND f >= 4 THEN 'Champions'
    WHEN r IN (3, 4) AND f >= 4 THEN 'Loyal customers'
    WHEN r IN (4, 5) AND f IN (2, 3) THEN 'Potential loyalists'
    WHEN r = 5 AND f = 1 THEN 'New customers'
    WHEN r = 4 AND f = 1 THEN 'Promising'
    WHEN r = 3 AND f = 3 THEN 'Need attention'
    WHEN r = 3 AND f IN (1, 2) THEN 'About to sleep'
    WHEN r <= 2 AND f IN (3, 4) THEN 'At risk'
    WHEN r <= 2 AND f = 5 THEN 'Can''t lose them'
    ELSE 'Hibernating' END AS persona,
    CASE stage_score WHEN 3 THEN 'Active' WHEN 2 THEN 'Lapsing' ELSE 'Inactive' END AS stage
  FROM scored
)
SELECT n.persona, s.stage, count(p.persona) AS customers
FROM (VALUES ('Champions'), ('Loyal customers'), ('Potential loyalists'), ('New customers'), ('Promising'),
             ('Need attention'), ('About to sleep'), ('At risk'), ('Can''t lose them'), ('Hibernating')) AS n (persona)
CROSS JOIN (VALUES ('Active'), ('Lapsing'), ('Inactive')) AS s (stage)
LEFT JOIN personas p ON p.persona = n.persona AND p.stage = s.stage
GROUP BY 1, 2
ORDER BY 1, 2;
