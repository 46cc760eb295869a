-- Reference SQL for query type segments, view breakdown, dimension persona, and for query type personas, view breakdown (the same breakdown; as of the range's end); range: as of the end of the last 30 days (only `to` matters), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- RFM: recency and frequency scores 1-5 by ntile among customers; ties: the lower customer id
-- comes later (takes the higher score); persona from the usual RxF grid; contacts without a valid
-- order are leads.
-- args: from, to

-- $2 to ($1 is not used: the breakdown is as of `to`)
WITH history AS (
  SELECT customer_id,
         count(*) FILTER (WHERE is_valid) AS orders,
         count(*) AS orders_attempted,
         coalesce(sum(total) FILTER (WHERE is_valid), 0) AS revenue,
         max(placed_at) FILTER (WHERE is_valid) AS last_order
  FROM commerce.orders
  WHERE placed_at < $2 AND $1::timestamptz IS NOT NULL
  GROUP BY customer_id
), contacts AS (
  SELECT c.customer_id, coalesce(h.orders, 0) AS orders, coalesce(h.orders_attempted, 0) AS orders_attempted,
         coalesce(h.revenue, 0) AS revenue, h.last_order
  FROM commerce.customers c
  LEFT JOIN history h USING (customer_id)
  WHERE c.created_at < $2
), scored AS (
  SELECT customer_id,
         ntile(5) OVER (ORDER BY last_order, customer_id DESC) AS r,
         ntile(5) OVER (ORDER BY orders, customer_id DESC) AS f
  FROM contacts
  WHERE orders > 0
), personas AS (
  SELECT c.*, CASE
    WHEN s.customer_id IS NULL THEN 'lead'
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
  FROM contacts c
  LEFT JOIN scored s USING (customer_id)
)
SELECT persona,
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
FROM personas
GROUP BY 1
ORDER BY 1;
