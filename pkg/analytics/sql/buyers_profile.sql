-- Profile of the period's new, repeat or all buyers (SPEC §4 Buyers, "Profiles").
-- $1, $2 the period; $3 its look-back start; $4 group ('all', 'new' or 'repeat');
-- $5 reference year for ages; $6 device-price band edges.
WITH periods AS (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to,
           $3::timestamptz AS lookback_from, '{}'::text[] AS accounts,
           $5::int AS ref_year, $6::numeric[] AS device_edges
),
{{template "period_buyers"}},
{{- if .Social}}
{{template "current_followers"}},
{{- end}}
-- All buyers need no classification: the two branches are gated by $4, so the profile of all
-- buyers never probes their histories.
grp AS (
    SELECT customer_id
    FROM period_buyers
    WHERE $4 = 'all'
    UNION ALL
    SELECT customer_id
    FROM classified_buyers
    WHERE $4 <> 'all' AND is_repeat = ($4 = 'repeat')
)
{{template "profile" .}}
