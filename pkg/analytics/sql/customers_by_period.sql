-- The customer report's key metrics (SPEC §4 Customer report), for each of a list of periods at
-- once (the period and its comparison period).
-- $1 period starts, $2 period ends, one per period.
--   scope(P):         the customers with a valid order in P
--   their history:    all their valid orders placed before P's end (none at or after it)
--   new customers(P): scope customers whose whole history is in P, i.e. with no valid order
--                     before P's start (their first-ever valid order is in P); the others are
--                     existing customers
-- One row per period and group (is_new), for the groups that have customers.
-- The scope comes from the period's orders (orders_valid_placed_at); each scope customer's history
-- is one range of orders_valid_customer_placed_at, so the cost follows the scope and its history,
-- not the whole shop.
WITH periods AS (
    SELECT ord::int AS period, period_from, period_to
    FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS p (period_from, period_to, ord)
),
scope AS (
    SELECT DISTINCT p.period, o.customer_id
    FROM periods p
    JOIN orders o ON o.is_valid AND o.placed_at >= p.period_from AND o.placed_at < p.period_to
),
history AS (
    SELECT s.period, h.orders, h.revenue, h.period_orders, h.period_revenue
    FROM scope s
    JOIN periods p USING (period)
    CROSS JOIN LATERAL (
        SELECT count(*) AS orders,
               sum(o.total) AS revenue,
               count(*) FILTER (WHERE o.placed_at >= p.period_from) AS period_orders,
               sum(o.total) FILTER (WHERE o.placed_at >= p.period_from) AS period_revenue
        FROM orders o
        WHERE o.customer_id = s.customer_id
          AND o.is_valid
          AND o.placed_at < p.period_to
    ) h
)
SELECT period,
       orders = period_orders AS is_new,
       count(*) AS customers,
       count(*) FILTER (WHERE orders >= 2) AS repurchasers,
       sum(orders)::bigint AS orders,
       sum(revenue)::float8 AS revenue,
       sum(period_orders)::bigint AS period_orders,
       sum(period_revenue)::float8 AS period_revenue
FROM history
GROUP BY period, is_new
