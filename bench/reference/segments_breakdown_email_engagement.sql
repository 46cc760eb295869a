-- Reference SQL for query type segments, view breakdown, dimension email_engagement (as of the range's end); range: as of the end of the last 30 days (only `to` matters), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Email engagement over the 180 days before `to`: (opens + clicks) / emails sent against the
-- shop's rate (all opens and clicks over all emails sent, among those sent any): none (sent, no
-- open or click), low (< 50 % of the shop's), medium (50-150 %), high (> 150 %), unknown (none sent).
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
), email AS (
  SELECT customer_id,
         count(*) FILTER (WHERE kind = 'sent') AS sent,
         count(*) FILTER (WHERE kind IN ('open', 'click')) AS engaged
  FROM commerce.email_events
  WHERE occurred_at >= $2::timestamptz - interval '180 days' AND occurred_at < $2
  GROUP BY customer_id
), shop AS (
  SELECT sum(engaged)::numeric / sum(sent) AS rate FROM email WHERE sent > 0
), contacts AS (
  SELECT c.customer_id, coalesce(h.orders, 0) AS orders, coalesce(h.orders_attempted, 0) AS orders_attempted,
         coalesce(h.revenue, 0) AS revenue,
         CASE WHEN coalesce(e.sent, 0) = 0 THEN 'unknown'
              WHEN e.engaged = 0 THEN 'none'
              WHEN e.engaged::numeric / e.sent < 0.5 * shop.rate THEN 'low'
              WHEN e.engaged::numeric / e.sent <= 1.5 * shop.rate THEN 'medium'
              ELSE 'high' END AS email_engagement
  FROM commerce.customers c
  LEFT JOIN history h USING (customer_id)
  LEFT JOIN email e USING (customer_id)
  CROSS JOIN shop
  WHERE c.created_at < $2
)
SELECT email_engagement,
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
