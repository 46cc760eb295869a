-- Profile of the period's new or active followers of the accounts in A (SPEC §4 Followers,
-- "Profiles"); buyer status uses the buyer definitions of the same period.
-- $1, $2 the period; $3 its look-back start; $4 the ids of A as text (empty: all accounts);
-- $5 group ('new' or 'active'); $6 reference year for ages; $7 device-price band edges.
WITH periods AS NOT MATERIALIZED (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to,
           $3::timestamptz AS lookback_from, $4::text[] AS accounts,
           $6::int AS ref_year, $7::numeric[] AS device_edges
),
{{template "current_followers"}},
{{- if eq .Name "buyer_status"}}
{{template "period_buyers"}},
{{- end}}
-- The group: new followers need only the follows, so the period's viewers (the other arm, behind
-- a test of $5 that PostgreSQL evaluates once) are read for active followers alone.
grp AS (
    SELECT customer_id
    FROM current_followers
    WHERE $5 = 'new' AND is_new
    UNION ALL
    SELECT customer_id
    FROM follower_states
    WHERE $5 = 'active' AND state = 'active'
)
{{template "profile" .}}
