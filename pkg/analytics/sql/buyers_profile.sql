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
{{template "current_followers"}},
{{- end}}
-- All buyers (period_buyers' customers) need neither classification nor revenue, so they are read
-- straight from the period's orders; the two branches are gated by $4, so the profile of all
-- buyers never probes a history and the others never scan twice.
grp AS (
    SELECT DISTINCT o.customer_id
    {{template "period_orders"}}
    WHERE $4 = 'all'
    UNION ALL
    SELECT customer_id
    FROM classified_buyers
    WHERE $4 <> 'all' AND is_repeat = ($4 = 'repeat')
)
{{template "profile" .}}
