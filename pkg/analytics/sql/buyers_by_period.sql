-- New and repeat buyers with their revenue, for each of a list of periods at once (the summary's
-- period and comparison period, or a trend's buckets).
-- $1 period starts, $2 period ends, $3 look-back starts (-infinity: all history), one per period.
WITH periods AS (
    SELECT ord::int AS period, period_from, period_to, lookback_from
    FROM unnest($1::timestamptz[], $2::timestamptz[], $3::timestamptz[])
         WITH ORDINALITY AS p (period_from, period_to, lookback_from, ord)
),
{{template "period_buyer_revenue"}}
SELECT period, is_repeat, {{if history}}sum(buyers){{else}}count(*){{end}}::bigint AS buyers, sum(revenue)::float8 AS revenue
FROM classified_buyers
GROUP BY period, is_repeat
