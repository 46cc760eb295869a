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
-- Each scope customer's history before the period's end, from their first and last rows of the
-- period in order_history (period_end_rows in history.tmpl.sql): the last one's running columns
-- count their orders and revenue up to and including it (earlier_orders + 1, earlier_revenue +
-- total), the first one's those before the period, and the customer is new when their first row
-- of the period has no earlier order. An alone row (the customer's only order of the period)
-- holds all of it by itself: those are summed per period and group straight away, and only the
-- customers with several orders in the period are grouped, two rows each. Each period is grouped
-- on its own (a lateral subquery). A row of history may so stand for several customers
-- ("customers").
history AS (
    SELECT p.period, g.*
    FROM periods p
    CROSS JOIN LATERAL (
        SELECT min(h.earlier_orders) = 0 AS is_new,
               CASE WHEN a.alone THEN count(*) ELSE 1 END AS customers,
               CASE WHEN a.alone THEN count(*) FILTER (WHERE h.earlier_orders >= 1) ELSE 1 END AS repurchasers,
               CASE WHEN a.alone THEN sum(h.earlier_orders + 1) ELSE max(h.earlier_orders) + 1 END AS orders,
               CASE WHEN a.alone THEN sum(h.earlier_revenue + h.total) FILTER (WHERE a.alone)
                    ELSE max(h.earlier_revenue + h.total) FILTER (WHERE e.last) END AS revenue,
               CASE WHEN a.alone THEN count(*) ELSE max(h.earlier_orders) - min(h.earlier_orders) + 1 END AS period_orders,
               {{template "period_revenue"}} AS period_revenue
        {{template "period_end_rows"}}
        {{template "period_groups" "h.earlier_orders = 0"}}
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
