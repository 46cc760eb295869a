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
-- second orders by those orders themselves (one per customer). Won back and saved can have
-- several orders of one customer in a long period: their orders are grouped per customer (the
-- inner GROUP BY; every other order falls in its period's one group with a null key), so each
-- such customer is one group and nothing is sorted (count(DISTINCT) would sort all the period's
-- rows: a year and its comparison, 8.4M rows, 469 MB on disk). Only the orders some count reads
-- enter: the others (most of a long period's orders: a customer's later orders, neither first,
-- second, winning back nor saving) are dropped at the scan.
SELECT period,
       -- customers with a valid order in the period
       sum(unique_customers)::bigint AS unique_customers,
       -- customers whose first-ever valid order is in the period
       sum(customers_gained)::bigint AS customers_gained,
       -- customers whose second valid order is in the period
       sum(second_orders)::bigint AS second_orders,
       -- customers with a valid order in the period placed at least the lapsed threshold after
       -- their previous one
       count(*) FILTER (WHERE wins_back) AS won_back,
       -- customers with a valid order in the period placed at least the at-risk threshold, and
       -- less than the lapsed threshold, after their previous one
       count(*) FILTER (WHERE saves) AS saved
FROM (
    SELECT period,
           count(*) FILTER (WHERE previous IS NULL OR previous < period_from) AS unique_customers,
           count(*) FILTER (WHERE earlier = 0) AS customers_gained,
           count(*) FILTER (WHERE earlier = 1) AS second_orders,
           bool_or(wins_back) AS wins_back,
           bool_or(saves) AS saves
    FROM event_orders
    WHERE previous IS NULL OR previous < period_from OR earlier <= 1 OR wins_back OR saves
    GROUP BY period, CASE WHEN wins_back OR saves THEN customer_id END
) per_customer
GROUP BY period
