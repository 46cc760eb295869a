-- Reference SQL for query type buyers, view profile, dimension follower_status, group all; range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Each buyer of the period as a follower of any account at the period's end: new (a follow
-- current at the end started in the period), active (not new, viewed content in the period),
-- other follower, or non-follower. Every status, even with 0 buyers.
-- args: from, to

-- $1 from, $2 to
WITH buyers AS (
  SELECT DISTINCT customer_id FROM commerce.orders
  WHERE is_valid AND placed_at >= $1 AND placed_at < $2
), followers AS (
  SELECT customer_id, bool_or(followed_at >= $1) AS is_new
  FROM commerce.follows
  WHERE account_id IS NOT NULL AND followed_at < $2 AND (unfollowed_at IS NULL OR unfollowed_at >= $2)
  GROUP BY customer_id
), viewers AS (
  SELECT DISTINCT v.customer_id
  FROM commerce.content_views v
  JOIN commerce.content ct ON ct.content_id = v.content_id
  WHERE v.viewed_at >= $1 AND v.viewed_at < $2
), statuses AS (
  SELECT CASE WHEN f.customer_id IS NULL THEN 'non-follower'
              WHEN f.is_new THEN 'new follower'
              WHEN v.customer_id IS NOT NULL THEN 'active follower'
              ELSE 'other follower' END AS follower_status
  FROM buyers b
  LEFT JOIN followers f USING (customer_id)
  LEFT JOIN viewers v USING (customer_id)
)
SELECT k.follower_status,
       count(s.follower_status) AS customers,
       count(s.follower_status)::float8 / (SELECT count(*) FROM statuses) AS share
FROM (VALUES ('new follower'), ('active follower'), ('other follower'), ('non-follower')) AS k (follower_status)
LEFT JOIN statuses s USING (follower_status)
GROUP BY 1
ORDER BY 1;
