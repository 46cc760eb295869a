-- Reference SQL for query type variables, list content (every account; newest first, at most 1000); range: not used.
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- args: from, to

-- ($1 and $2 are not used)
SELECT content_id::text AS value, title || ' (' || kind || ', ' || to_char(published_at, 'YYYY-MM-DD') || ')' AS text
FROM commerce.content
WHERE $1::timestamptz IS NOT NULL AND $2::timestamptz IS NOT NULL
ORDER BY published_at DESC, content_id
LIMIT 1000;
