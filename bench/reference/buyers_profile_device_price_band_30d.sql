-- Reference SQL for query type buyers, view profile, dimension device_price_band, group all; range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Bands of the buyer's phone price (default edges 150, 300, 600, 1000; a band includes its lower
-- edge); every band, even with 0 buyers.
-- args: from, to

-- $1 from, $2 to
WITH buyers AS (
  SELECT DISTINCT customer_id FROM commerce.orders
  WHERE is_valid AND placed_at >= $1 AND placed_at < $2
), banded AS (
  SELECT CASE WHEN c.device_price IS NULL THEN 'unknown'
              WHEN c.device_price < 150 THEN '0–150'
              WHEN c.device_price < 300 THEN '150–300'
              WHEN c.device_price < 600 THEN '300–600'
              WHEN c.device_price < 1000 THEN '600–1000'
              ELSE '1000+' END AS device_price_band
  FROM buyers b
  LEFT JOIN commerce.customers c USING (customer_id)
)
SELECT k.device_price_band,
       count(b.device_price_band) AS customers,
       count(b.device_price_band)::float8 / (SELECT count(*) FROM banded) AS share
FROM (VALUES ('0–150'), ('150–300'), ('300–600'), ('600–1000'), ('1000+'), ('unknown')) AS k (device_price_band)
LEFT JOIN banded b USING (device_price_band)
GROUP BY 1
ORDER BY 1;
