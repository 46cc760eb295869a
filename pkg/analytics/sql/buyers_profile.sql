-- Profile of the period's new, repeat or all buyers (SPEC §4 Buyers, "Profiles").
-- $1, $2 the period; $3 its look-back start; $4 group ('all', 'new' or 'repeat');
-- $5 reference year for ages; $6 device-price band edges.
-- NOT MATERIALIZED: one row of bound values, inlined so the planner sees them as constants.
WITH periods AS NOT MATERIALIZED (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to,
           $3::timestamptz AS lookback_from, '{}'::text[] AS accounts,
           $5::int AS ref_year, $6::numeric[] AS device_edges
),
{{template "period_buyers"}},
{{- if .Social}}
{{template "follower_sets"}},
{{- end}}
-- All buyers (period_buyers' customers) need neither classification nor revenue, so they are read
-- straight from the period's orders; the two branches are gated by $4, so the profile of all
-- buyers never probes a history and the others never scan twice.
grp AS (
{{- if history}}
    -- Each buyer's first row of the period in order_history (see period_buyers): one per buyer.
    SELECT h.customer_id
    FROM periods p
    JOIN order_history h ON h.placed_at >= p.period_from AND h.placed_at < p.period_to
    WHERE $4 = 'all' AND (h.previous_placed_at IS NULL OR h.previous_placed_at < p.period_from)
{{- else}}
    SELECT DISTINCT o.customer_id
    {{template "period_orders"}}
    WHERE $4 = 'all'
{{- end}}
    UNION ALL
    SELECT customer_id
    FROM classified_buyers
    WHERE $4 <> 'all' AND is_repeat = ($4 = 'repeat')
)
{{template "profile" .}}
