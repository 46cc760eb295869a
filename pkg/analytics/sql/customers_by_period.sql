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
-- the period, its next after it) is the customer's only order of the period ("alone") and holds
-- their history by itself: those are summed per period and group straight away (new when it is
-- their first order), and only the customers with several orders in the period are grouped one
-- by one. One scan; the hash holds the latter customers only. A row of history may so stand for
-- several customers ("customers").
history AS (
    SELECT p.period,
           CASE WHEN a.alone THEN min(h.earlier_orders) = 0 ELSE max(h.earlier_orders) + 1 = count(*) END AS is_new,
           CASE WHEN a.alone THEN count(*) ELSE 1 END AS customers,
           CASE WHEN a.alone THEN count(*) FILTER (WHERE h.earlier_orders >= 1)
                ELSE (max(h.earlier_orders) >= 1)::int END AS repurchasers,
           CASE WHEN a.alone THEN sum(h.earlier_orders + 1) ELSE max(h.earlier_orders) + 1 END AS orders,
           sum(h.total) + sum(h.earlier_revenue) FILTER (WHERE h.previous_placed_at IS NULL
                                                            OR h.previous_placed_at < p.period_from) AS revenue,
           count(*) AS period_orders,
           sum(h.total) AS period_revenue
    FROM periods p
    JOIN order_history h ON h.placed_at >= p.period_from AND h.placed_at < p.period_to
    {{template "alone_in_period"}}
    GROUP BY p.period, a.alone,
             CASE WHEN NOT a.alone THEN h.customer_id END,
             CASE WHEN a.alone THEN h.earlier_orders = 0 END
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
