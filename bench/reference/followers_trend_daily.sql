-- Reference SQL for query type followers, view trend, bucket day, all accounts; range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Each day as its own period: total followers at its end (a follow started before it and not
-- ended by it), new (a follow current at the end started that day), active (not new, viewed
-- content that day).
-- args: from, to

-- $1 from, $2 to
WITH days AS (
  SELECT d AS day_start, d + interval '1 day' AS day_end
  FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 day', interval '1 day') AS d
), followers AS (
  SELECT k.day_start, f.customer_id, bool_or(f.followed_at >= k.day_start) AS is_new
  FROM days k
  JOIN commerce.follows f ON f.followed_at < k.day_end AND (f.unfollowed_at IS NULL OR f.unfollowed_at >= k.day_end)
  WHERE f.account_id IS NOT NULL
  GROUP BY k.day_start, f.customer_id
), viewers AS (
  SELECT DISTINCT k.day_start, v.customer_id
  FROM days k
  JOIN commerce.content_views v ON v.viewed_at >= k.day_start AND v.viewed_at < k.day_end
  JOIN commerce.content ct ON ct.content_id = v.content_id
)
SELECT k.day_start AS "time",
       count(f.customer_id) FILTER (WHERE f.is_new) AS new_followers,
       count(f.customer_id) FILTER (WHERE NOT f.is_new AND v.customer_id IS NOT NULL) AS active_followers,
       count(f.customer_id) AS total_followers
FROM days k
LEFT JOIN followers f USING (day_start)
LEFT JOIN viewers v USING (day_start, customer_id)
GROUP BY k.day_start
ORDER BY 1;
