-- Reference SQL for query type value_bands, view snapshot (measure contacts); range: as of the end of the last 30 days (only `to` matters), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Bands: the customer's AOV against the shop AOV (all valid orders before `to`): low < 75 %,
-- medium 75-125 %, high 125-250 %, very high > 250 % (defaults); contacts without a valid order
-- are leads.
-- args: from, to

-- $2 to ($1 is not used)
WITH per_customer AS (
  SELECT customer_id, sum(total) / count(*) AS aov
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2 AND $1::timestamptz IS NOT NULL
  GROUP BY customer_id
), shop AS (
  SELECT sum(total) / count(*) AS aov FROM commerce.orders WHERE is_valid AND placed_at < $2
)
SELECT CASE WHEN p.aov IS NULL THEN 'lead'
            WHEN p.aov < 0.75 * s.aov THEN 'low'
            WHEN p.aov <= 1.25 * s.aov THEN 'medium'
            WHEN p.aov <= 2.5 * s.aov THEN 'high'
            ELSE 'very high' END AS value_band,
       count(*) AS contacts,
       count(*)::float8 / sum(count(*)) OVER () AS share
FROM commerce.customers c
LEFT JOIN per_customer p USING (customer_id)
CROSS JOIN shop s
WHERE c.created_at < $2
GROUP BY 1
ORDER BY 1;
