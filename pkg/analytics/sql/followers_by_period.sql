-- New, active and total followers with their valid-order revenue (SPEC §4 Followers), for each of
-- a list of periods at once (the summary's period and comparison period, or a trend's buckets),
-- for the account set A as a whole or, per account, for each account of A as its own set.
-- $1 period starts, $2 period ends, one per period; $3 the ids of A as text (empty: all accounts);
-- $4 per account.
-- One row per period, set and follower state ('new', 'active', 'other'); a set without followers
-- in a period answers one row with a null state, so that every account of A is listed.
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
periods AS (
    SELECT (row_number() OVER (ORDER BY s.account, s.account_id, r.range_no))::int AS period,
           r.range_no, s.account_id, s.account, r.period_from, r.period_to, s.accounts
    FROM ranges r
    CROSS JOIN account_sets s
),
{{template "current_followers"}},
-- Each customer's revenue in each range: the total of their valid orders placed in it (computed
-- once per range, whatever the number of account sets).
range_revenue AS (
    SELECT r.range_no, o.customer_id, sum(o.total) AS revenue
    FROM ranges r
    JOIN orders o ON o.is_valid AND o.placed_at >= r.period_from AND o.placed_at < r.period_to
    GROUP BY r.range_no, o.customer_id
),
by_state AS (
    SELECT fs.period, fs.state, count(*) AS followers, coalesce(sum(rr.revenue), 0)::float8 AS revenue
    FROM follower_states fs
    JOIN periods p USING (period)
    LEFT JOIN range_revenue rr ON rr.range_no = p.range_no AND rr.customer_id = fs.customer_id
    GROUP BY fs.period, fs.state
)
SELECT p.range_no, p.account_id, p.account, s.state,
       coalesce(s.followers, 0) AS followers, coalesce(s.revenue, 0) AS revenue
FROM periods p
LEFT JOIN by_state s USING (period)
ORDER BY p.account, p.account_id, p.range_no, s.state
