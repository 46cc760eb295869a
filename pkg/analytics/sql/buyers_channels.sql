-- Channel contribution (SPEC §4 Buyers): LIVEs and videos ranked by the revenue in the period of
-- the valid orders they brought (orders.content_id), split by the period's new and repeat buyers.
-- $1, $2 the period; $3 its look-back start. Every content with revenue in the period, of both
-- kinds, in content id order: the queries of one request that rank content of one period (a
-- kind, a group to rank by, a top N) share this one statement and rank its rows in Go
-- (buyersChannels), ties by content id (this order).
-- NOT MATERIALIZED: one row of bound values, inlined so the planner sees them as constants.
WITH periods AS NOT MATERIALIZED (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::timestamptz AS lookback_from
),
-- Only the buyers of content orders are classified: the others never reach a ranking.
{{template "content_buyers"}},
content_orders AS (
    SELECT o.content_id, o.customer_id, o.total, cb.is_repeat
    FROM orders o
    JOIN classified_buyers cb ON cb.customer_id = o.customer_id
    WHERE o.is_valid
      AND o.placed_at >= $1
      AND o.placed_at < $2
      AND o.content_id IS NOT NULL
),
per_content AS (
    SELECT ct.content_id,
           ct.title,
           ct.kind,
           a.name AS account,
           coalesce(sum(co.total) FILTER (WHERE NOT co.is_repeat), 0)::float8 AS new_revenue,
           coalesce(sum(co.total) FILTER (WHERE co.is_repeat), 0)::float8 AS repeat_revenue,
           sum(co.total)::float8 AS revenue,
           count(DISTINCT co.customer_id) FILTER (WHERE NOT co.is_repeat) AS new_buyers,
           count(DISTINCT co.customer_id) FILTER (WHERE co.is_repeat) AS repeat_buyers,
           count(DISTINCT co.customer_id) AS buyers
    FROM content_orders co
    JOIN content ct ON ct.content_id = co.content_id
    LEFT JOIN accounts a ON a.account_id = ct.account_id
    GROUP BY ct.content_id, ct.title, ct.kind, a.name
)
SELECT content_id::text, title, kind, coalesce(account, ''), new_revenue, repeat_revenue, revenue,
       new_buyers, repeat_buyers, buyers
FROM per_content
ORDER BY per_content.content_id
