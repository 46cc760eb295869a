-- Buyers summary (SPEC §4 Buyers), for the selected period and its comparison period at once.
--   buyers(P):        distinct customers with a valid order in P, with their revenue in P
--   new buyers(P):    buyers(P) with no valid order in [look-back start, P's start)
--   repeat buyers(P): the other buyers(P)
-- $1, $2 current period [from, to) and $3 its look-back start (-infinity: all history);
-- $4, $5, $6 the same for the comparison period (an empty range when there is none).
WITH periods (period, period_from, period_to, lookback_from) AS (
    VALUES ('current',  $1::timestamptz, $2::timestamptz, $3::timestamptz),
           ('previous', $4::timestamptz, $5::timestamptz, $6::timestamptz)
),
period_buyers AS (
    SELECT p.period, o.customer_id, sum(o.total) AS revenue
    FROM periods p
    JOIN orders o ON o.is_valid AND o.placed_at >= p.period_from AND o.placed_at < p.period_to
    GROUP BY p.period, o.customer_id
),
classified AS (
    SELECT b.period,
           b.revenue,
           EXISTS (
               SELECT 1
               FROM orders earlier
               WHERE earlier.customer_id = b.customer_id
                 AND earlier.is_valid
                 AND earlier.placed_at >= p.lookback_from
                 AND earlier.placed_at < p.period_from
           ) AS is_repeat
    FROM period_buyers b
    JOIN periods p USING (period)
)
SELECT period, is_repeat, count(*) AS buyers, sum(revenue)::float8 AS revenue
FROM classified
GROUP BY period, is_repeat
