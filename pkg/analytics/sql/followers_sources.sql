-- New or active followers by the source of their current follow (SPEC §4 Followers, channels).
-- A new follower counts under the source of each current follow that started in the period (the
-- follows that made them new); an active follower under the source of each current follow. A
-- follower with current follows of several sources counts once under each, so the rows may add
-- up to more than the group: the grand-total row (is_total) is the group's size.
-- $1, $2 the period; $3 the ids of A as text (empty: all accounts); $4 group ('new' or 'active').
WITH periods AS NOT MATERIALIZED (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::text[] AS accounts
),
{{template "follower_sets"}},
-- New followers: their current follows that started in the period. Active followers: all the
-- current follows of the period's viewers who are not new (follower_sets). One filter with both
-- arms, so that PostgreSQL keeps the two tests as sets hashed once (an IN on its own becomes a
-- join to the distinct viewers, 0.3 s slower at 1M). EXISTS rather than IN: a set too big to
-- hash is then looked up per follow in content_views_customer_viewed_at and follows_customer_id
-- instead of scanned again for every follow.
group_follows AS (
    SELECT cf.customer_id, coalesce(cf.source, 'unknown') AS source
    FROM current_follows cf
    JOIN periods p USING (period)
    WHERE ($4 = 'new' AND cf.followed_at >= p.period_from)
       OR ($4 = 'active'
           AND EXISTS (SELECT 1 FROM period_views pv WHERE pv.customer_id = cf.customer_id)
           AND NOT EXISTS (SELECT 1 FROM new_follows n WHERE n.customer_id = cf.customer_id))
)
SELECT coalesce(source, ''), grouping(source) = 1 AS is_total, count(DISTINCT customer_id) AS followers
FROM group_follows
GROUP BY GROUPING SETS ((source), ())
