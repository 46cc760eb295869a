-- New, active and other followers (SPEC §4 Followers) for each of many periods (a trend's buckets
-- and its comparison's), for the account set A as a whole or per account, without rebuilding the
-- follower set of every period: the same definitions as followers.tmpl.sql, counted another way.
--   * A customer's follows of a set are merged into disjoint islands (follow current at t means
--     followed_at < t <= unfollowed_at, so an island is the union of such (start, end] spans);
--     followers at t = islands containing t.
--   * new: customers with a follow started in the period and still current at its end.
--   * active: the period's viewers of the set's content who follow at its end and are not new.
-- Rows have the shape of followers_by_period.sql (revenue 0: trends carry no revenue).
-- $1 period starts, $2 period ends, one per period; $3 the ids of A as text (empty: all
-- accounts); $4 per account.
WITH ranges AS (
    SELECT ord::int AS range_no, period_from, period_to
    FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS r (period_from, period_to, ord)
),
account_sets AS (
    SELECT ''::text AS account_id, ''::text AS account, $3::text[] AS accounts
    WHERE NOT $4::boolean
    UNION ALL
    SELECT a.account_id::text, coalesce(a.name, a.account_id::text), ARRAY[a.account_id::text]
    FROM accounts a
    WHERE $4::boolean
      AND (cardinality($3::text[]) = 0 OR a.account_id::text = ANY ($3::text[]))
),
set_follows AS (
    SELECT s.account_id AS set_id, f.customer_id, f.followed_at AS starts,
           coalesce(f.unfollowed_at, 'infinity') AS ends
    FROM account_sets s
    JOIN follows f ON cardinality(s.accounts) = 0 OR f.account_id::text = ANY (s.accounts)
),
ordered AS (
    SELECT set_id, customer_id, starts, ends,
           max(ends) OVER (PARTITION BY set_id, customer_id ORDER BY starts, ends
                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach
    FROM set_follows
),
numbered AS (
    SELECT set_id, customer_id, starts, ends,
           count(*) FILTER (WHERE reach IS NULL OR starts > reach)
               OVER (PARTITION BY set_id, customer_id ORDER BY starts, ends) AS island
    FROM ordered
),
islands AS (
    SELECT set_id, customer_id, min(starts) AS starts, max(ends) AS ends
    FROM numbered
    GROUP BY set_id, customer_id, island
),
-- Followers at t = islands with starts < t <= ends = (islands starting before t) − (islands
-- ending before t): each island counts +1 at its start and −1 at its end, and the counts are
-- summed per gap between the sorted distinct period ends (width_bucket: how many ends are at or
-- before the time), so every island is read twice, not once per period.
period_ends AS (
    SELECT array_agg(DISTINCT period_to ORDER BY period_to) AS ends FROM ranges
),
island_steps AS (
    SELECT i.set_id, width_bucket(i.starts, pe.ends) AS gap, count(*) AS step
    FROM islands i CROSS JOIN period_ends pe
    GROUP BY 1, 2
    UNION ALL
    SELECT i.set_id, width_bucket(i.ends, pe.ends), -count(*)
    FROM islands i CROSS JOIN period_ends pe
    GROUP BY 1, 2
),
totals AS (
    SELECT r.range_no, st.set_id, sum(st.step)::bigint AS followers
    FROM ranges r
    CROSS JOIN period_ends pe
    JOIN island_steps st ON st.gap < array_position(pe.ends, r.period_to)
    GROUP BY r.range_no, st.set_id
),
-- Only follows started inside the ranges' span can be new in one of them: those are set apart
-- first (materialized), so that each range is matched against them, not against every follow.
span_follows AS MATERIALIZED (
    SELECT sf.*
    FROM set_follows sf
    WHERE sf.starts >= (SELECT min(period_from) FROM ranges)
      AND sf.starts < (SELECT max(period_to) FROM ranges)
),
new_followers AS (
    SELECT DISTINCT r.range_no, sf.set_id, sf.customer_id
    FROM ranges r
    JOIN span_follows sf
      ON sf.starts >= r.period_from AND sf.starts < r.period_to AND sf.ends >= r.period_to
),
viewers AS (
    SELECT DISTINCT r.range_no, s.account_id AS set_id, v.customer_id
    FROM ranges r
    CROSS JOIN LATERAL (
        SELECT cv.customer_id, cv.content_id
        FROM content_views cv
        WHERE cv.viewed_at >= r.period_from AND cv.viewed_at < r.period_to
    ) v
    JOIN content ct ON ct.content_id = v.content_id
    JOIN account_sets s ON cardinality(s.accounts) = 0 OR ct.account_id::text = ANY (s.accounts)
),
active_followers AS (
    SELECT v.range_no, v.set_id, count(*) AS followers
    FROM viewers v
    JOIN ranges r USING (range_no)
    WHERE EXISTS (SELECT 1 FROM islands i
                  WHERE i.set_id = v.set_id AND i.customer_id = v.customer_id
                    AND i.starts < r.period_to AND i.ends >= r.period_to)
      AND NOT EXISTS (SELECT 1 FROM new_followers n
                      WHERE n.range_no = v.range_no AND n.set_id = v.set_id AND n.customer_id = v.customer_id)
    GROUP BY v.range_no, v.set_id
),
new_counts AS (
    SELECT range_no, set_id, count(*) AS followers FROM new_followers GROUP BY range_no, set_id
)
SELECT r.range_no, s.account_id, s.account, st.state, st.followers, 0::float8 AS revenue
FROM ranges r
CROSS JOIN account_sets s
LEFT JOIN totals t ON t.range_no = r.range_no AND t.set_id = s.account_id
LEFT JOIN new_counts n ON n.range_no = r.range_no AND n.set_id = s.account_id
LEFT JOIN active_followers a ON a.range_no = r.range_no AND a.set_id = s.account_id
CROSS JOIN LATERAL (VALUES
    ('new', coalesce(n.followers, 0)),
    ('active', coalesce(a.followers, 0)),
    ('other', coalesce(t.followers, 0) - coalesce(n.followers, 0) - coalesce(a.followers, 0))
) AS st (state, followers)
ORDER BY s.account, s.account_id, r.range_no, st.state
