-- Reference SQL for query type variables, list stores (the store ids orders name); range: not used.
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- args: from, to

-- ($1 and $2 are not used)
SELECT DISTINCT store_id::text AS value, store_id::text AS text
FROM commerce.orders
WHERE store_id IS NOT NULL AND $1::timestamptz IS NOT NULL AND $2::timestamptz IS NOT NULL
ORDER BY 1;
