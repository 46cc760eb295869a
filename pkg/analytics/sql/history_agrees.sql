-- Whether order_history agrees with orders in each period: the same number of valid orders and
-- the same revenue, and the running columns agree with both (the last rows' earlier_orders + 1
-- and earlier_revenue + total less the first rows' earlier_orders and earlier_revenue, summed
-- over the period's customers, give its orders and revenue again: what the statements read of
-- them, see period_end_rows in history.tmpl.sql), and first_placed_at agrees with them (the
-- customers whose first row of the period has no earlier order are those whose last row says
-- their first order is in the period, and those customers' rows are all their orders: what the
-- customer report reads). Checked before a statement reads a history the shop
-- keeps itself (one kept by the contract's triggers is current by construction); where it
-- disagrees, the statements probe each buyer's earlier orders instead.
-- $1 period starts, $2 period ends.
SELECT coalesce(bool_and(o.orders = h.orders AND o.revenue IS NOT DISTINCT FROM h.revenue
                         AND h.orders = h.end_orders AND h.revenue IS NOT DISTINCT FROM h.end_revenue
                         AND h.new_first = h.new_last AND h.new_rows = h.new_orders), true)
FROM unnest($1::timestamptz[], $2::timestamptz[]) AS p (period_from, period_to)
CROSS JOIN LATERAL (
    SELECT count(*) AS orders, sum(total) AS revenue
    FROM orders
    WHERE is_valid AND placed_at >= p.period_from AND placed_at < p.period_to
) o
CROSS JOIN LATERAL (
    SELECT count(*) AS orders,
           sum(total) AS revenue,
           coalesce(sum(earlier_orders + 1) FILTER (WHERE last), 0)
               - coalesce(sum(earlier_orders) FILTER (WHERE first), 0) AS end_orders,
           sum(earlier_revenue + total) FILTER (WHERE last)
               - coalesce(sum(earlier_revenue) FILTER (WHERE first), 0) AS end_revenue,
           count(*) FILTER (WHERE first AND earlier_orders = 0) AS new_first,
           count(*) FILTER (WHERE last AND first_placed_at >= p.period_from) AS new_last,
           count(*) FILTER (WHERE first_placed_at >= p.period_from) AS new_rows,
           coalesce(sum(earlier_orders + 1) FILTER (WHERE last AND first_placed_at >= p.period_from), 0) AS new_orders
    FROM order_history
    CROSS JOIN LATERAL (
        SELECT previous_placed_at IS NULL OR previous_placed_at < p.period_from AS first,
               next_placed_at IS NULL OR next_placed_at >= p.period_to AS last
    ) e
    WHERE placed_at >= p.period_from AND placed_at < p.period_to
) h
