-- Reference SQL for query type followers, view summary (the query's accounts, all by default; comparison: previous period); range: any (the suite runs it on each range the view is benchmarked on: the last 7, 30 or 365 days), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- args: from, to, prev_from, accounts

-- $1 from, $2 to, $3 previous period's from, $4 the account ids (empty: all accounts): their follows
-- and views of their content. Followers at t: a follow started before t
-- and not ended by t; new: a current follow started in the period; active: not new, viewed
-- content in the period. Revenue: their valid orders in the period.
WITH periods AS (
  SELECT 'cur' AS period, $1::timestamptz AS p_from, $2::timestamptz AS p_to
  UNION ALL SELECT 'prev', $3::timestamptz, $1::timestamptz
), followers AS (
  SELECT p.period, f.customer_id, bool_or(f.followed_at >= p.p_from) AS is_new
  FROM periods p
  JOIN commerce.follows f ON f.followed_at < p.p_to AND (f.unfollowed_at IS NULL OR f.unfollowed_at >= p.p_to)
    AND (cardinality($4::text[]) = 0 OR f.account_id::text = ANY ($4::text[]))
  GROUP BY p.period, f.customer_id
), viewers AS (
  SELECT DISTINCT p.period, v.customer_id
  FROM periods p
  JOIN commerce.content_views v ON v.viewed_at >= p.p_from AND v.viewed_at < p.p_to
  JOIN commerce.content ct ON ct.content_id = v.content_id
    AND (cardinality($4::text[]) = 0 OR ct.account_id::text = ANY ($4::text[]))
), spend AS (
  SELECT p.period, o.customer_id, sum(o.total) AS revenue
  FROM periods p
  JOIN commerce.orders o ON o.is_valid AND o.placed_at >= p.p_from AND o.placed_at < p.p_to
  GROUP BY p.period, o.customer_id
), labelled AS (
  SELECT f.period,
         CASE WHEN f.is_new THEN 'New followers'
              WHEN v.customer_id IS NOT NULL THEN 'Active followers' END AS grp,
         coalesce(s.revenue, 0) AS revenue
  FROM followers f
  LEFT JOIN viewers v USING (period, customer_id)
  LEFT JOIN spend s USING (period, customer_id)
), grouped AS (
  SELECT period, grp, revenue FROM labelled WHERE grp IS NOT NULL
  UNION ALL SELECT period, 'Total followers', revenue FROM labelled
)
SELECT grp AS "group",
       count(*) FILTER (WHERE period = 'cur') AS followers,
       count(*) FILTER (WHERE period = 'cur')::float8 / (SELECT count(*) FROM followers WHERE period = 'cur') AS follower_share,
       sum(revenue) FILTER (WHERE period = 'cur') AS revenue,
       count(*) FILTER (WHERE period = 'prev') AS followers_previous,
       sum(revenue) FILTER (WHERE period = 'prev') AS revenue_previous
FROM grouped
GROUP BY grp;
