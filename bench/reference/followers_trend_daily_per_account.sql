-- Reference SQL for query type followers, view trend, bucket day, per account (a series per account, long form here: one row per day and account); range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- For each account and each day as its own period: total followers of the account at the day's
-- end (a follow of it started before the end and not ended by it), new (such a follow started that
-- day), active (not new, viewed the account's content that day). Every account, even without
-- follows.
-- args: from, to

-- $1 from, $2 to
WITH days AS (
  SELECT d AS day_start, d + interval '1 day' AS day_end
  FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 day', interval '1 day') AS d
), followers AS (
  SELECT k.day_start, f.account_id, f.customer_id, bool_or(f.followed_at >= k.day_start) AS is_new
  FROM days k
  JOIN commerce.follows f ON f.followed_at < k.day_end AND (f.unfollowed_at IS NULL OR f.unfollowed_at >= k.day_end)
  GROUP BY k.day_start, f.account_id, f.customer_id
), viewers AS (
  SELECT DISTINCT k.day_start, ct.account_id, v.customer_id
  FROM days k
  JOIN commerce.content_views v ON v.viewed_at >= k.day_start AND v.viewed_at < k.day_end
  JOIN commerce.content ct ON ct.content_id = v.content_id
)
SELECT k.day_start AS "time", a.account_id::text AS account_id,
       count(f.customer_id) FILTER (WHERE f.is_new) AS new_followers,
       count(f.customer_id) FILTER (WHERE NOT f.is_new AND v.customer_id IS NOT NULL) AS active_followers,
       count(f.customer_id) AS total_followers
FROM days k
CROSS JOIN commerce.accounts a
LEFT JOIN followers f ON f.day_start = k.day_start AND f.account_id = a.account_id
LEFT JOIN viewers v ON v.day_start = k.day_start AND v.account_id = a.account_id AND v.customer_id = f.customer_id
GROUP BY k.day_start, a.account_id
ORDER BY 1, 2;
