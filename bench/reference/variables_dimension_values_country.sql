-- Reference SQL for query type variables, list dimension_values, dimension country (the contacts' countries as of the range's end); range: as of the end of the last 30 days (only `to` matters), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Contacts: customers rows created before `to`, or with a valid order before it; no country: unknown.
-- args: from, to

-- $2 to ($1 is not used)
SELECT DISTINCT coalesce(c.country, 'unknown') AS value, coalesce(c.country, 'unknown') AS text
FROM commerce.customers c
WHERE $1::timestamptz IS NOT NULL
  AND (c.created_at < $2 OR EXISTS (SELECT 1 FROM commerce.orders o WHERE o.customer_id = c.customer_id AND o.is_valid AND o.placed_at < $2))
ORDER BY 1;
