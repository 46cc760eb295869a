-- The five customer events (SPEC §4 Customer events) for each of a list of periods at once: the
-- summary's period and comparison period, or a trend's buckets and the comparison's buckets.
-- $1 period starts, $2 period ends, $5 the range of each period (1 the selected period, 2 the
-- comparison; a range's periods are consecutive and cover it); $3 at-risk and $4 lapsed threshold
-- in days of 24 hours.
WITH periods AS (
    SELECT ord::int AS period, period_from, period_to, range_id,
           min(period_from) OVER (PARTITION BY range_id) AS range_from
    FROM unnest($1::timestamptz[], $2::timestamptz[], $5::int[])
         WITH ORDINALITY AS p (period_from, period_to, range_id, ord)
),
{{template "event_thresholds"}},
{{template "event_orders" .}}
-- A customer's orders of a period are counted once each: by their first order of the period (the
-- one whose previous order is before it, or none; one per customer), and for the first-ever and
-- second orders by those orders themselves (one per customer), so that only won back and saved,
-- of which a customer can have several orders in a long period, need a DISTINCT (over those few
-- orders alone).
SELECT period,
       -- customers with a valid order in the period
       count(*) FILTER (WHERE previous IS NULL OR previous < period_from) AS unique_customers,
       -- customers whose first-ever valid order is in the period
       count(*) FILTER (WHERE earlier = 0) AS customers_gained,
       -- customers whose second valid order is in the period
       count(*) FILTER (WHERE earlier = 1) AS second_orders,
       -- customers with a valid order in the period placed at least the lapsed threshold after
       -- their previous one
       count(DISTINCT customer_id) FILTER (WHERE wins_back) AS won_back,
       -- customers with a valid order in the period placed at least the at-risk threshold, and
       -- less than the lapsed threshold, after their previous one
       count(DISTINCT customer_id) FILTER (WHERE saves) AS saved
FROM event_orders
GROUP BY period
