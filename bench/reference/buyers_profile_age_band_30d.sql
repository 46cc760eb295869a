-- Reference SQL for query type buyers, view profile, dimension age_band, group all; range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Age: the year of the period's last instant minus the birth year.
-- args: from, to

-- $1 from, $2 to
WITH buyers AS (
  SELECT DISTINCT customer_id FROM commerce.orders
  WHERE is_valid AND placed_at >= $1 AND placed_at < $2
)
SELECT CASE
         WHEN c.birth_year IS NULL THEN 'unknown'
         WHEN extract(year FROM $2::timestamptz - interval '1 microsecond') - c.birth_year < 18 THEN 'under 18'
         WHEN extract(year FROM $2::timestamptz - interval '1 microsecond') - c.birth_year < 25 THEN '18–24'
         WHEN extract(year FROM $2::timestamptz - interval '1 microsecond') - c.birth_year < 35 THEN '25–34'
         WHEN extract(year FROM $2::timestamptz - interval '1 microsecond') - c.birth_year < 45 THEN '35–44'
         WHEN extract(year FROM $2::timestamptz - interval '1 microsecond') - c.birth_year < 55 THEN '45–54'
         ELSE '55+' END AS age_band,
       count(*) AS customers,
       count(*)::float8 / sum(count(*)) OVER () AS share
FROM buyers b
JOIN commerce.customers c USING (customer_id)
GROUP BY 1
ORDER BY 1;
