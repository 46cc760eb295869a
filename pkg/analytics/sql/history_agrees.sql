-- Whether order_history agrees with orders in each period: the same number of valid orders and
-- the same revenue. Checked before a statement reads a history the shop keeps itself (one kept by
-- the contract's triggers is current by construction); where it disagrees, the statements probe
-- each buyer's earlier orders instead.
-- $1 period starts, $2 period ends.
SELECT coalesce(bool_and(o.orders = h.orders AND o.revenue IS NOT DISTINCT FROM h.revenue), true)
FROM unnest($1::timestamptz[], $2::timestamptz[]) AS p (period_from, period_to)
CROSS JOIN LATERAL (
    SELECT count(*) AS orders, sum(total) AS revenue
    FROM orders
    WHERE is_valid AND placed_at >= p.period_from AND placed_at < p.period_to
) o
CROSS JOIN LATERAL (
    SELECT count(*) AS orders, sum(total) AS revenue
    FROM order_history
    WHERE placed_at >= p.period_from AND placed_at < p.period_to
) h
