-- The stores that have orders.
SELECT DISTINCT store_id AS value, store_id AS text
FROM orders
WHERE store_id IS NOT NULL
ORDER BY 1
