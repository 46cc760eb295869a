-- The calibration/holdout check of FHL 2005: customers grouped by their model inputs as of $1 (the
-- end of calibration), with the purchases (local days with a valid order) each group made in the
-- holdout [$1, $4). Go compares them with the fit's expected purchases over the holdout.
-- Parameters: $1 as_of, $2 the shop's time zone, $3 the local day of as_of's last instant,
-- $4 the end of the holdout.
WITH clv_params AS NOT MATERIALIZED (
    SELECT $1::timestamptz AS as_of, $2::text AS tz, $3::date AS end_day
),
{{template "clv_orders" .}},
{{template "clv_summaries" .}},
holdout AS (
    SELECT o.customer_id, count(DISTINCT (o.placed_at AT TIME ZONE cp.tz)::date) AS purchases
    FROM clv_params cp
    JOIN orders o ON o.is_valid AND o.placed_at >= cp.as_of AND o.placed_at < $4::timestamptz
    GROUP BY o.customer_id
)
SELECT s.x, s.tx_days, s.t_days, count(*) AS customers, coalesce(sum(h.purchases), 0)::bigint AS purchases
FROM clv_summaries s
LEFT JOIN holdout h ON h.customer_id = s.customer_id
GROUP BY 1, 2, 3
