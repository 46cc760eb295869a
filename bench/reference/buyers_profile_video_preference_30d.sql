-- Reference SQL for query type buyers, view profile, dimension video_preference, group all; range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- The period's content views of the period's buyers, by content category (none: unknown).
-- args: from, to

-- $1 from, $2 to
WITH buyers AS (
  SELECT DISTINCT customer_id FROM commerce.orders
  WHERE is_valid AND placed_at >= $1 AND placed_at < $2
)
SELECT coalesce(ct.category, 'unknown') AS video_preference,
       count(*) AS views,
       count(*)::float8 / sum(count(*)) OVER () AS share
FROM buyers b
JOIN commerce.content_views v ON v.customer_id = b.customer_id AND v.viewed_at >= $1 AND v.viewed_at < $2
JOIN commerce.content ct ON ct.content_id = v.content_id
GROUP BY 1
ORDER BY 1;
