-- Reference SQL for query type segments, view matrix, frequency band by value band (as of the range's end); range: as of the end of the last 30 days (only `to` matters), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Frequency: one-time (1 valid order), repeat (2), loyal (3-4), very loyal (5+). Value: the
-- customer's AOV against the shop AOV (all valid orders before `to`): low < 75 %, medium 75-125 %,
-- high 125-250 %, very high > 250 % (defaults). Contacts without a valid order are leads in both.
-- Every pair of values, even with 0 contacts; share: of all contacts.
-- args: from, to

-- $2 to ($1 is not used: the matrix is as of `to`)
WITH history AS (
  SELECT customer_id, count(*) AS orders, sum(total) AS revenue
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2 AND $1::timestamptz IS NOT NULL
  GROUP BY customer_id
), shop AS (
  SELECT sum(total) / count(*) AS aov FROM commerce.orders WHERE is_valid AND placed_at < $2
), contacts AS (
  SELECT CASE WHEN h.orders IS NULL THEN 'lead'
              WHEN h.orders = 1 THEN 'one-time'
              WHEN h.orders = 2 THEN 'repeat'
              WHEN h.orders <= 4 THEN 'loyal'
              ELSE 'very loyal' END AS frequency_band,
         CASE WHEN h.orders IS NULL THEN 'lead'
              WHEN h.revenue / h.orders < 0.75 * s.aov THEN 'low'
              WHEN h.revenue / h.orders <= 1.25 * s.aov THEN 'medium'
              WHEN h.revenue / h.orders <= 2.5 * s.aov THEN 'high'
              ELSE 'very high' END AS value_band
  FROM commerce.customers c
  LEFT JOIN history h USING (customer_id)
  CROSS JOIN shop s
  WHERE c.created_at < $2
)
SELECT f.frequency_band, v.value_band, count(c.frequency_band) AS contacts,
       count(c.frequency_band)::float8 / (SELECT count(*) FROM contacts) AS share
FROM (VALUES ('one-time'), ('repeat'), ('loyal'), ('very loyal'), ('lead')) AS f (frequency_band)
CROSS JOIN (VALUES ('low'), ('medium'), ('high'), ('very high'), ('lead')) AS v (value_band)
LEFT JOIN contacts c ON c.frequency_band = f.frequency_band AND c.value_band = v.value_band
GROUP BY 1, 2
ORDER BY 1, 2;
