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
-- carry each customer's history before them: one scan of the period, no probe, no per-customer
-- grouping.
WITH periods AS (
    SELECT ord::int AS period, period_from, period_to
    FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS p (period_from, period_to, ord)
),
{{- if history}}
-- Every row of the period in order_history, in one aggregate per period and group, with no
-- per-customer grouping: a row's customer is new when their first valid order (first_placed_at)
-- is in the period; each scope customer has exactly one last row of the period (no next order
-- before the period's end), whose running columns count their orders and revenue up to and
-- including it (earlier_orders + 1, earlier_revenue + total); and the period's orders and revenue
-- of a group are its rows and their totals. All of it comes from order_history_period, index-only.
-- Each period is aggregated on its own (a lateral subquery). A row may so stand for several
-- customers ("customers").
history AS (
    SELECT p.period, g.*
    FROM periods p
    CROSS JOIN LATERAL (
        SELECT h.first_placed_at >= p.period_from AS is_new,
               count(*) FILTER (WHERE l.last) AS customers,
               count(*) FILTER (WHERE l.last AND h.earlier_orders >= 1) AS repurchasers,
               sum(h.earlier_orders + 1) FILTER (WHERE l.last) AS orders,
               sum(h.earlier_revenue + h.total) FILTER (WHERE l.last) AS revenue,
               count(*) AS period_orders,
               sum(h.total) AS period_revenue
        FROM order_history h
        CROSS JOIN LATERAL (SELECT h.next_placed_at IS NULL OR h.next_placed_at >= p.period_to AS last) l
        WHERE h.placed_at >= p.period_from AND h.placed_at < p.period_to
        GROUP BY 1
    ) g
)
{{- else}}
scope AS (
    SELECT DISTINCT p.period, o.customer_id
    FROM periods p
    JOIN orders o ON o.is_valid AND o.placed_at >= p.period_from AND o.placed_at < p.period_to
),
history AS (
    SELECT s.period, h.orders = h.period_orders AS is_new, 1 AS customers, (h.orders >= 2)::int AS repurchasers,
           h.orders, h.revenue, h.period_orders, h.period_revenue
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
       is_new,
       sum(customers)::bigint AS customers,
       sum(repurchasers)::bigint AS repurchasers,
       sum(orders)::bigint AS orders,
       sum(revenue)::float8 AS revenue,
       sum(period_orders)::bigint AS period_orders,
       sum(period_revenue)::float8 AS period_revenue
FROM history
GROUP BY period, is_new
