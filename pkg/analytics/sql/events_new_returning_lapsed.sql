-- New, returning and lapsed customers (SPEC §4 Customer events) for each of a list of periods.
-- $1 period starts, $2 period ends; $3 at-risk and $4 lapsed threshold in days of 24 hours.
--   new:       customers whose first-ever valid order is in the period
--   returning: the other customers with a valid order in the period
--   lapsed:    customers with no valid order in the period whose lapse moment (their last valid
--              order + the lapsed threshold) falls in it. Without an order in the period, their
--              last valid order before its end is before its start, so the lapse moment is in
--              [from, to) exactly when that order is in [from − lapsed, min(from, to − lapsed)).
-- A customer who lapses in the period and orders again later in it is returning, not lapsed, so
-- the three groups never share a customer.
WITH periods AS (
    SELECT ord::int AS period, ord::int AS range_id, period_from, period_to, period_from AS range_from
    FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS p (period_from, period_to, ord)
),
{{template "event_thresholds"}},
{{template "event_orders" .}},
-- Each customer counted once, by their first order of the period (the one whose previous order
-- is before the period, or none; one per customer, as in events_by_period.sql); they are new when
-- that order is their first ever.
buyers AS (
    SELECT period,
           count(*) AS customers,
           count(*) FILTER (WHERE earlier = 0) AS new_customers
    FROM event_orders
    WHERE previous IS NULL OR previous < period_from
    GROUP BY period
),
{{- if history}}
-- A customer's last valid order before the period's end is the row with no next order before it;
-- there is one per customer, so the rows in the lapse window count the lapsed customers.
lapsed AS (
    SELECT p.period, count(*) AS customers
    FROM periods p
    CROSS JOIN thresholds t
    JOIN order_history h ON h.placed_at >= p.period_from - t.lapsed
                        AND h.placed_at < least(p.period_from, p.period_to - t.lapsed)
    WHERE h.next_placed_at IS NULL OR h.next_placed_at >= p.period_to
    GROUP BY p.period
)
{{- else}}
lapse_candidates AS (
    SELECT p.period, p.period_to, o.customer_id, max(o.placed_at) AS last_order
    FROM periods p
    CROSS JOIN thresholds t
    JOIN orders o ON o.is_valid
                 AND o.placed_at >= p.period_from - t.lapsed
                 AND o.placed_at < least(p.period_from, p.period_to - t.lapsed)
    GROUP BY p.period, p.period_to, o.customer_id
),
lapsed AS (
    SELECT lc.period, count(*) AS customers
    FROM lapse_candidates lc
    WHERE NOT EXISTS (
        SELECT 1
        FROM orders later
        WHERE later.customer_id = lc.customer_id
          AND later.is_valid
          AND later.placed_at > lc.last_order
          AND later.placed_at < lc.period_to
    )
    GROUP BY lc.period
)
{{- end}}
SELECT p.period,
       coalesce(b.new_customers, 0) AS new_customers,
       coalesce(b.customers - b.new_customers, 0) AS returning_customers,
       coalesce(l.customers, 0) AS lapsed_customers
FROM periods p
LEFT JOIN buyers b USING (period)
LEFT JOIN lapsed l USING (period)
ORDER BY p.period
