-- Channel contribution (SPEC §4 Buyers): LIVEs and videos ranked by the revenue in the period of
-- the valid orders they brought (orders.content_id), split by the period's new and repeat buyers.
-- $1, $2 the period; $3 its look-back start. Every content with revenue in the period, of both
-- kinds, in content id order: the queries of one request that rank content of one period (a
-- kind, a group to rank by, a top N) share this one statement and rank its rows in Go
-- (buyersChannels), ties by content id (this order).
-- NOT MATERIALIZED: one row of bound values, inlined so the planner sees them as constants.
WITH
{{- if not history}}
-- The probe form classifies the period's buyers (period_buyers); the history form needs no
-- periods: repeat_by_history reads $1-$3 itself.
periods AS NOT MATERIALIZED (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::timestamptz AS lookback_from
),
-- Only the buyers of content orders are classified: the others never reach a ranking.
{{template "content_buyers"}},
{{- end}}
content_orders AS (
    SELECT o.content_id, o.customer_id, o.total,
           {{if history}}{{template "repeat_by_history" "o.customer_id"}}{{else}}cb.is_repeat{{end}} AS is_repeat
    FROM orders o
    {{- if not history}}
    JOIN classified_buyers cb ON cb.customer_id = o.customer_id
    {{- end}}
    WHERE o.is_valid
      AND o.placed_at >= $1
      AND o.placed_at < $2
      AND o.content_id IS NOT NULL
),
-- Grouped by content and class: each class counts its distinct buyers once, and a content's
-- buyers are the sum of its two classes' (a buyer has one class in the period).
per_class AS (
    SELECT co.content_id, co.is_repeat, sum(co.total) AS revenue, count(DISTINCT co.customer_id) AS buyers
    FROM content_orders co
    GROUP BY co.content_id, co.is_repeat
),
per_content AS (
    SELECT ct.content_id,
           ct.title,
           ct.kind,
           a.name AS account,
           coalesce(sum(c.revenue) FILTER (WHERE NOT c.is_repeat), 0)::float8 AS new_revenue,
           coalesce(sum(c.revenue) FILTER (WHERE c.is_repeat), 0)::float8 AS repeat_revenue,
           sum(c.revenue)::float8 AS revenue,
           coalesce(sum(c.buyers) FILTER (WHERE NOT c.is_repeat), 0)::bigint AS new_buyers,
           coalesce(sum(c.buyers) FILTER (WHERE c.is_repeat), 0)::bigint AS repeat_buyers,
           sum(c.buyers)::bigint AS buyers
    FROM per_class c
    JOIN content ct ON ct.content_id = c.content_id
    LEFT JOIN accounts a ON a.account_id = ct.account_id
    GROUP BY ct.content_id, ct.title, ct.kind, a.name
)
SELECT content_id::text, title, kind, coalesce(account, ''), new_revenue, repeat_revenue, revenue,
       new_buyers, repeat_buyers, buyers
FROM per_content
ORDER BY per_content.content_id
