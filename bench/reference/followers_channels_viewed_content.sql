-- Reference SQL for query type followers, view channels (group active, by the content they viewed, top 10), all accounts; range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Active followers (following at the period's end, not new, viewed content in it) per content
-- viewed in the period, with their views; ranked by active followers, ties by content id.
-- args: from, to

-- $1 from, $2 to
WITH current_follows AS (
  SELECT customer_id, followed_at
  FROM commerce.follows
  WHERE account_id IS NOT NULL AND followed_at < $2 AND (unfollowed_at IS NULL OR unfollowed_at >= $2)
), active AS (
  SELECT customer_id FROM current_follows GROUP BY customer_id HAVING NOT bool_or(followed_at >= $1)
)
SELECT ct.content_id::text AS content_id, ct.title, ct.kind, coalesce(a.name, '') AS account,
       count(DISTINCT v.customer_id) AS active_followers, count(*) AS views
FROM commerce.content_views v
JOIN active USING (customer_id)
JOIN commerce.content ct ON ct.content_id = v.content_id
LEFT JOIN commerce.accounts a ON a.account_id = ct.account_id
WHERE v.viewed_at >= $1 AND v.viewed_at < $2
GROUP BY ct.content_id, ct.title, ct.kind, a.name
ORDER BY active_followers DESC, ct.content_id
LIMIT 10;
