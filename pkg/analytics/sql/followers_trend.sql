-- New, active and other followers (SPEC §4 Followers) for each of many periods (a trend's buckets
-- and its comparison's), for the account set A as a whole or per account, without rebuilding the
-- follower set of every period: the same definitions as followers.tmpl.sql, counted another way.
--   * A customer's follows of a set are merged into disjoint islands (follow current at t means
--     followed_at < t <= unfollowed_at, so an island is the union of such (start, end] spans);
--     followers at t = islands containing t.
--   * new: customers with a follow started in the period and still current at its end.
--   * active: the period's viewers of the set's content who follow at its end and are not new.
-- Rows have the shape of followers_by_period.sql's, with the range and set first (revenue 0:
-- trends carry no revenue).
-- $1 period starts, $2 period ends, one per period; $3 the ids of A as text (empty: all
-- accounts); $4 per account.
-- Sets are numbered (set_no) so that the hashes and sorts below key on integers.
WITH ranges AS (
    SELECT ord::int AS range_no, period_from, period_to
    FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS r (period_from, period_to, ord)
),
account_sets AS (
    SELECT 1 AS set_no, ''::text AS account_id, ''::text AS account, $3::text[] AS accounts
    WHERE NOT $4::boolean
    UNION ALL
    SELECT (row_number() OVER (ORDER BY a.account_id))::int, a.account_id::text,
           coalesce(a.name, a.account_id::text), ARRAY[a.account_id::text]
    FROM accounts a
    WHERE $4::boolean
      AND (cardinality($3::text[]) = 0 OR a.account_id::text = ANY ($3::text[]))
),
-- The accounts that have follows, and each set's among them, typed as in follows: the follows
-- join their set by equality, and each range's new follows are read from
-- follows_account_followed_at, account by account. (A GROUP BY, not a loose index scan, so that
-- the planner knows how many there are.) A follow without an account is no account's, as in
-- followers.tmpl.sql.
follow_accounts AS (
    SELECT account_id FROM follows GROUP BY account_id
),
set_accounts AS (
    SELECT s.set_no, fa.account_id
    FROM account_sets s
    JOIN follow_accounts fa ON cardinality(s.accounts) = 0 OR fa.account_id::text = ANY (s.accounts)
),
-- Followers at t = islands with starts < t <= ends = (islands starting before t) − (islands
-- ending before t): each island counts +1 at its start and −1 at its end, and the counts are
-- summed per gap between the sorted distinct period ends (width_bucket: how many ends are at or
-- before the time), so every follow is read once, not once per period.
-- The islands' edges come from one window pass over a customer's follows in start order, without
-- grouping the islands: reach is the latest end of the customer's earlier follows, so a follow
-- that starts after it starts an island, and reach is where the island before it ended; the
-- customer's last follow (lead is null) closes the last island at the latest end of all. The
-- window reads the follows in customer order (follows_customer_id, or a sort keyed first on the
-- customer). Materialized: the steps below read it three times, and active_followers hashes it.
period_ends AS (
    SELECT array_agg(DISTINCT period_to ORDER BY period_to) AS ends FROM ranges
),
edges AS MATERIALIZED (
    SELECT sa.set_no, f.customer_id, f.followed_at AS starts, coalesce(f.unfollowed_at, 'infinity') AS ends,
           max(coalesce(f.unfollowed_at, 'infinity')) OVER w AS reach,
           lead(f.followed_at) OVER w IS NULL AS last
    FROM set_accounts sa
    JOIN follows f ON f.account_id = sa.account_id
    WINDOW w AS (PARTITION BY f.customer_id, sa.set_no ORDER BY f.followed_at, coalesce(f.unfollowed_at, 'infinity')
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
),
island_steps AS (
    SELECT e.set_no, width_bucket(e.starts, pe.ends) AS gap, count(*) AS step
    FROM edges e CROSS JOIN period_ends pe
    WHERE e.reach IS NULL OR e.starts > e.reach
    GROUP BY 1, 2
    UNION ALL
    SELECT e.set_no, width_bucket(e.reach, pe.ends), -count(*)
    FROM edges e CROSS JOIN period_ends pe
    WHERE e.starts > e.reach
    GROUP BY 1, 2
    UNION ALL
    SELECT e.set_no, width_bucket(greatest(e.reach, e.ends), pe.ends), -count(*)
    FROM edges e CROSS JOIN period_ends pe
    WHERE e.last
    GROUP BY 1, 2
),
totals AS (
    SELECT r.range_no, st.set_no, sum(st.step)::bigint AS followers
    FROM ranges r
    CROSS JOIN period_ends pe
    JOIN island_steps st ON st.gap < array_position(pe.ends, r.period_to)
    GROUP BY r.range_no, st.set_no
),
new_followers AS MATERIALIZED (
    SELECT DISTINCT r.range_no, sa.set_no, f.customer_id
    FROM ranges r
    CROSS JOIN set_accounts sa
    -- OFFSET 0 keeps the probe per range and account (flattened, the planner scanned the whole
    -- index for each range).
    CROSS JOIN LATERAL (
        SELECT f.customer_id
        FROM follows f
        WHERE f.account_id = sa.account_id
          AND f.followed_at >= r.period_from
          AND f.followed_at < r.period_to
          AND (f.unfollowed_at IS NULL OR f.unfollowed_at >= r.period_to)
        OFFSET 0
    ) f
),
-- The period's viewers of the set's content who are not its new followers: the views and the new
-- followers grouped together per range, set and customer (one hash, no join between the two).
old_viewers AS (
    SELECT u.range_no, u.set_no, u.customer_id
    FROM (
        SELECT r.range_no, s.set_no, v.customer_id, false AS is_new
        FROM ranges r
        CROSS JOIN LATERAL (
            SELECT cv.customer_id, cv.content_id
            FROM content_views cv
            WHERE cv.viewed_at >= r.period_from AND cv.viewed_at < r.period_to
        ) v
        JOIN content ct ON ct.content_id = v.content_id
        JOIN account_sets s ON cardinality(s.accounts) = 0 OR ct.account_id::text = ANY (s.accounts)
        UNION ALL
        SELECT range_no, set_no, customer_id, true FROM new_followers
    ) u
    GROUP BY u.range_no, u.set_no, u.customer_id
    HAVING NOT bool_or(u.is_new)
),
-- Active: those who follow at the range's end, that is, one of whose follows covers it (an island
-- covers t exactly when one of its follows does). The check hashes edges (one row per follow)
-- rather than a second materialized copy of the set's follows: 30-day daily trend at 1M, psql,
-- 4 interleaved pairs, 3.05-3.66 -> 2.56-3.12 s (2026-12-03).
active_followers AS (
    SELECT v.range_no, v.set_no, count(*) AS followers
    FROM old_viewers v
    JOIN ranges r USING (range_no)
    WHERE EXISTS (SELECT 1 FROM edges f
                  WHERE f.set_no = v.set_no AND f.customer_id = v.customer_id
                    AND f.starts < r.period_to AND f.ends >= r.period_to)
    GROUP BY v.range_no, v.set_no
),
new_counts AS (
    SELECT range_no, set_no, count(*) AS followers FROM new_followers GROUP BY range_no, set_no
)
SELECT r.range_no, s.account_id, s.account, st.state, st.followers, 0::float8 AS revenue
FROM ranges r
CROSS JOIN account_sets s
LEFT JOIN totals t ON t.range_no = r.range_no AND t.set_no = s.set_no
LEFT JOIN new_counts n ON n.range_no = r.range_no AND n.set_no = s.set_no
LEFT JOIN active_followers a ON a.range_no = r.range_no AND a.set_no = s.set_no
CROSS JOIN LATERAL (VALUES
    ('new', coalesce(n.followers, 0)),
    ('active', coalesce(a.followers, 0)),
    ('other', coalesce(t.followers, 0) - coalesce(n.followers, 0) - coalesce(a.followers, 0))
) AS st (state, followers)
ORDER BY s.account, s.account_id, r.range_no, st.state
