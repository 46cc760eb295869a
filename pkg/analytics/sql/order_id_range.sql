-- The lowest and highest id of the period's valid orders (null when it has none); integer order
-- ids only (order_id_span.sql says whether they are). count(*) beside them keeps PostgreSQL from
-- answering min and max by walking the primary key in id order, which reads most of the table
-- before it finds a row of the period.
-- $1, $2 the period.
SELECT min(o.order_id)::bigint, max(o.order_id)::bigint, count(*)
FROM orders o
WHERE o.is_valid
  AND o.placed_at >= $1
  AND o.placed_at < $2
