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
-- not the whole shop. With the optional order_history (the history form), the period's rows there
-- carry each customer's history before them: one scan of the period, no probe.
WITH periods AS (
    SELECT ord::int AS period, period_from, period_to
    FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS p (period_from, period_to, ord)
),
{{- if history}}
-- Each scope customer's history before the period's end, from their rows of the period in
-- order_history: the last one counts their orders (earlier_orders + 1), and the first one (the
-- only one whose previous order is before the period's start, or that has none) carries the
-- revenue of all their orders before the period. A row that is both (its previous order before
-- the period, its next after it) is the customer's only order of the period and holds their
-- history alone; only the customers with several orders in the period are grouped.
history AS (
    SELECT p.period,
           h.earlier_orders + 1 AS orders,
           h.earlier_revenue + h.total AS revenue,
           1 AS period_orders,
           h.total AS period_revenue
    FROM periods p
    JOIN order_history h ON h.placed_at >= p.period_from AND h.placed_at < p.period_to
    WHERE (h.previous_placed_at IS NULL OR h.previous_placed_at < p.period_from)
      AND (h.next_placed_at IS NULL OR h.next_placed_at >= p.period_to)
    UNION ALL
    SELECT p.period,
           max(h.earlier_orders) + 1 AS orders,
           sum(h.total) + sum(h.earlier_revenue) FILTER (WHERE h.previous_placed_at IS NULL
                                                            OR h.previous_placed_at < p.period_from) AS revenue,
           count(*) AS period_orders,
           sum(h.total) AS period_revenue
    FROM periods p
    JOIN order_history h ON h.placed_at >= p.period_from AND h.placed_at < p.period_to
    WHERE h.previous_placed_at >= p.period_from OR h.next_placed_at < p.period_to
    GROUP BY p.period, h.customer_id
)
{{- else}}
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
{{- end}}
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
