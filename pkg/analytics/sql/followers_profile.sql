-- Profile of the period's new or active followers of the accounts in A (SPEC §4 Followers,
-- "Profiles"); buyer status uses the buyer definitions of the same period.
-- $1, $2 the period; $3 its look-back start; $4 the ids of A as text (empty: all accounts);
-- $5 group ('new' or 'active'); $6 reference year for ages; $7 device-price band edges.
WITH periods AS NOT MATERIALIZED (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to,
           $3::timestamptz AS lookback_from, $4::text[] AS accounts,
           $6::int AS ref_year, $7::numeric[] AS device_edges
),
{{template "follower_sets"}},
{{- if eq .Name "buyer_status"}}
{{template "period_buyers"}},
{{- end}}
-- The group, one row per customer: new followers need only the follows, so the period's views
-- (the other arm, behind a test of $5 that PostgreSQL evaluates once) are read for active
-- followers alone.
grp AS (
    SELECT DISTINCT n.customer_id
    FROM new_follows n
    WHERE $5 = 'new'
    UNION ALL
    SELECT DISTINCT v.customer_id
    FROM period_views v
    WHERE $5 = 'active'
      AND v.customer_id IN (SELECT cf.customer_id FROM current_follows cf)
      AND NOT EXISTS (SELECT 1 FROM new_follows n WHERE n.customer_id = v.customer_id)
)
{{template "profile" .}}
