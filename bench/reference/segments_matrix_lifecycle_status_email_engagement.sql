-- Reference SQL for query type segments, view matrix, lifecycle status by email engagement (as of the range's end); range: as of the end of the last 30 days (only `to` matters), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Lifecycle thresholds: at risk 182 days, lapsed 385 days (defaults). Email engagement over the
-- 180 days before `to` against the shop's rate (all opens and clicks over all emails sent, among
-- those sent any): none, low (< 50 %), medium (50-150 %), high (> 150 %), unknown (none sent).
-- Every pair of values, even with 0 contacts; share: of all contacts.
-- args: from, to

-- $2 to ($1 is not used: the matrix is as of `to`)
WITH last_orders AS (
  SELECT customer_id, max(placed_at) AS last_order
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2 AND $1::timestamptz IS NOT NULL
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
  SELECT CASE WHEN o.last_order IS NULL THEN 'lead'
              WHEN o.last_order > $2::timestamptz - interval '182 days' THEN 'active'
              WHEN o.last_order > $2::timestamptz - interval '385 days' THEN 'at risk'
              ELSE 'lapsed' END AS lifecycle_status,
         CASE WHEN coalesce(e.sent, 0) = 0 THEN 'unknown'
              WHEN e.engaged = 0 THEN 'none'
              WHEN e.engaged::numeric / e.sent < 0.5 * shop.rate THEN 'low'
              WHEN e.engaged::numeric / e.sent <= 1.5 * shop.rate THEN 'medium'
              ELSE 'high' END AS email_engagement
  FROM commerce.customers c
  LEFT JOIN last_orders o USING (customer_id)
  LEFT JOIN email e USING (customer_id)
  CROSS JOIN shop
  WHERE c.created_at < $2
)
SELECT l.lifecycle_status, m.email_engagement, count(c.lifecycle_status) AS contacts,
       count(c.lifecycle_status)::float8 / (SELECT count(*) FROM contacts) AS share
FROM (VALUES ('active'), ('at risk'), ('lapsed'), ('lead')) AS l (lifecycle_status)
CROSS JOIN (VALUES ('none'), ('low'), ('medium'), ('high'), ('unknown')) AS m (email_engagement)
LEFT JOIN contacts c ON c.lifecycle_status = l.lifecycle_status AND c.email_engagement = m.email_engagement
GROUP BY 1, 2
ORDER BY 1, 2;
