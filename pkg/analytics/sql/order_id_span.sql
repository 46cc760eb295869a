-- Whether order ids are integers in orders and order_items, the lowest and highest order id of
-- the shop as PostgreSQL's statistics sampled them (null when the ids are not integers or the
-- table was never analysed), and the first and last placed_at they sampled. buyersProducts
-- compares a period's order ids with this span: ids that grow with time (a sequence, a
-- checkout's counter) put a month's orders in a narrow range; a period over a large share of
-- the sampled time cannot have them, and is not scanned for them.
-- A catalogue read: it scans no table, and it does not need a primary key on orders.
WITH id_columns AS (
    SELECT count(*) = 2
           AND bool_and(a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype)) AS integral
    FROM pg_attribute a
    WHERE a.attrelid IN ('orders'::regclass, 'order_items'::regclass)
      AND a.attname = 'order_id'
      AND NOT a.attisdropped
),
-- The sampled ends of order_id and placed_at (one row per column; the parent's statistics first
-- for an inherited or partitioned table).
sampled AS (
    SELECT DISTINCT ON (s.attname) s.attname, s.histogram_bounds::text AS bounds
    FROM pg_stats s
    WHERE s.schemaname = current_schema()
      AND s.tablename = 'orders'
      AND s.attname IN ('order_id', 'placed_at')
    ORDER BY s.attname, s.inherited DESC
),
sampled_ids AS (SELECT bounds FROM sampled WHERE attname = 'order_id'),
sampled_times AS (SELECT bounds::timestamptz[] AS bounds FROM sampled WHERE attname = 'placed_at')
SELECT coalesce(c.integral, false),
       CASE WHEN c.integral THEN (s.bounds::bigint[])[1] END,
       CASE WHEN c.integral THEN (s.bounds::bigint[])[array_upper(s.bounds::bigint[], 1)] END,
       st.bounds[1],
       st.bounds[array_upper(st.bounds, 1)]
FROM id_columns c
LEFT JOIN sampled_ids s ON true
LEFT JOIN sampled_times st ON true
