-- New, active and other followers with their valid-order revenue (SPEC §4 Followers) for one
-- period and the account set A; the summary runs its period and its comparison as two of these
-- side by side (followersSummary).
-- $1, $2 the period; $3 the ids of A as text (empty: all accounts).
-- One row per follower state ('new', 'active', 'other') that has followers.
--   * followers: one row per customer with a follow of A current at the period's end
--     (current_follows in followers.tmpl.sql, the one definition every followers statement
--     shares), new when one of those started in the period. Grouped per customer only: the
--     statement has one period.
--   * viewers: the period's views of A's content, found with one scan of them
--     (content_views_viewed_at) and hashed, or per follower through
--     content_views_customer_viewed_at when too many to hash (see states).
--   * revenue: the period's valid orders joined to the states and summed per state, so the orders
--     are never grouped per customer (that hash of every buyer's numeric sum spilled at 1M).
-- NOT MATERIALIZED: one row of bound values, inlined so the planner sees them as constants.
WITH periods AS NOT MATERIALIZED (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::text[] AS accounts
),
{{template "current_follows"}},
followers AS (
    SELECT cf.customer_id, bool_or(cf.followed_at >= p.period_from) AS is_new
    FROM current_follows cf
    CROSS JOIN periods p
    GROUP BY cf.customer_id
),
-- A viewer test per follower, not a join to the distinct viewers (the 30-day summary 1.23-1.24 ->
-- 1.14-1.17 s at 1M, tenth round). PostgreSQL hashes the period's viewers once while their
-- estimated number fits in hash_mem (some 3M views at the plugin's 64 MB work_mem); beyond that
-- it looks each follower up in content_views_customer_viewed_at (an EXISTS, where an IN over a
-- set too big to hash would scan the views again for every follower: a 365-day summary at 1M
-- with 32 MB work_mem timed out after 60 s; it takes 2.1 s this way).
states AS MATERIALIZED (
    SELECT f.customer_id,
           CASE
               WHEN f.is_new THEN 'new'
               WHEN EXISTS (
                   SELECT 1
                   FROM periods p
                   JOIN content_views v ON v.viewed_at >= p.period_from AND v.viewed_at < p.period_to
                   JOIN content ct ON ct.content_id = v.content_id
                   WHERE v.customer_id = f.customer_id
                     AND (cardinality(p.accounts) = 0 OR ct.account_id::text = ANY (p.accounts))
               ) THEN 'active'
               ELSE 'other'
           END AS state
    FROM followers f
),
state_revenue AS (
    SELECT s.state, sum(o.total) AS revenue
    FROM periods p
    JOIN orders o ON o.is_valid AND o.placed_at >= p.period_from AND o.placed_at < p.period_to
    JOIN states s ON s.customer_id = o.customer_id
    GROUP BY s.state
),
state_counts AS (
    SELECT state, count(*) AS followers FROM states GROUP BY state
)
SELECT c.state, c.followers, coalesce(r.revenue, 0)::float8 AS revenue
FROM state_counts c
LEFT JOIN state_revenue r USING (state)
ORDER BY c.state
