-- Reference SQL for query type variables, list accounts (a dashboard variable's options); range: not used.
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- args: from, to

-- ($1 and $2 are not used)
SELECT account_id::text AS value, name || ' (' || kind || ')' AS text
FROM commerce.accounts
WHERE $1::timestamptz IS NOT NULL AND $2::timestamptz IS NOT NULL
ORDER BY name, account_id;
