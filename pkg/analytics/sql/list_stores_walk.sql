-- The stores that have orders, read as a walk over an index on orders (store_id): each step jumps
-- to the next store id above the last one, so a shop with a handful of stores and millions of
-- orders reads a few index pages instead of every order (list_stores.sql, the fallback when no
-- such index exists, scans them all).
WITH RECURSIVE stores AS (
    (SELECT o.store_id FROM orders o WHERE o.store_id IS NOT NULL ORDER BY o.store_id LIMIT 1)
    UNION ALL
    SELECT (SELECT o.store_id FROM orders o WHERE o.store_id > s.store_id ORDER BY o.store_id LIMIT 1)
    FROM stores s
    WHERE s.store_id IS NOT NULL
)
SELECT store_id AS value, store_id AS text
FROM stores
WHERE store_id IS NOT NULL
ORDER BY 1
