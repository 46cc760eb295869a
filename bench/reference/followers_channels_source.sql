-- Reference SQL for query type followers, view channels by source, group new or active (the query's), all accounts; range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- The group's followers by the source of their current follows (none: unknown): new followers
-- under each current follow that started in the period; active ones (not new, viewed content in
-- the period) under each current follow. A follower with follows of several sources counts under
-- each. Share: of the group's followers. The four usual sources and unknown always, other sources
-- when seen.
-- args: from, to, group

-- $1 from, $2 to, $3 the group ('new' or 'active')
WITH current_follows AS (
  SELECT customer_id, followed_at, coalesce(source, 'unknown') AS source
  FROM commerce.follows
  WHERE account_id IS NOT NULL AND followed_at < $2 AND (unfollowed_at IS NULL OR unfollowed_at >= $2)
), new_followers AS (
  SELECT DISTINCT customer_id FROM current_follows WHERE followed_at >= $1
), viewers AS (
  SELECT DISTINCT v.customer_id
  FROM commerce.content_views v
  JOIN commerce.content ct ON ct.content_id = v.content_id
  WHERE v.viewed_at >= $1 AND v.viewed_at < $2
), group_follows AS (
  SELECT f.customer_id, f.source FROM current_follows f
  WHERE ($3 = 'new' AND f.followed_at >= $1)
     OR ($3 = 'active' AND f.customer_id IN (SELECT customer_id FROM viewers)
                       AND f.customer_id NOT IN (SELECT customer_id FROM new_followers))
), sources AS (
  SELECT source FROM (VALUES ('video'), ('live'), ('product_card'), ('profile'), ('unknown')) AS s (source)
  UNION
  SELECT source FROM group_follows
)
SELECT s.source,
       count(DISTINCT g.customer_id) AS followers,
       count(DISTINCT g.customer_id)::float8 / nullif((SELECT count(DISTINCT customer_id) FROM group_follows), 0) AS share
FROM sources s
LEFT JOIN group_follows g USING (source)
GROUP BY 1
ORDER BY 1;
