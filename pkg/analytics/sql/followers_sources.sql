-- New or active followers by the source of their current follow (SPEC §4 Followers, channels).
-- A new follower counts under the source of each current follow that started in the period (the
-- follows that made them new); an active follower under the source of each current follow. A
-- follower with current follows of several sources counts once under each, so the rows may add
-- up to more than the group: the grand-total row (is_total) is the group's size.
-- $1, $2 the period; $3 the ids of A as text (empty: all accounts); $4 group ('new' or 'active').
WITH periods AS NOT MATERIALIZED (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::text[] AS accounts
),
{{template "current_followers"}},
-- New followers: their current follows that started in the period (the ones that made them new).
-- Active followers: all their current follows. (Written without joining follow rows to
-- follower_states, whose row estimate misleads the planner into a nested loop.)
group_follows AS (
    SELECT cf.customer_id, coalesce(cf.source, 'unknown') AS source
    FROM current_follows cf
    JOIN periods p USING (period)
    WHERE ($4 = 'new' AND cf.followed_at >= p.period_from)
       OR ($4 = 'active' AND cf.customer_id IN (SELECT fs.customer_id FROM follower_states fs WHERE fs.state = 'active'))
)
SELECT coalesce(source, ''), grouping(source) = 1 AS is_total, count(DISTINCT customer_id) AS followers
FROM group_follows
GROUP BY GROUPING SETS ((source), ())
