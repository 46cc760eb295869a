-- Reference SQL for query type followers, view profile (group active, dimension age_band), all accounts; range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Active followers (following at the period's end, not new, viewed content in it) by age band,
-- the age as of the period's end year.
-- args: from, to

-- $1 from, $2 to
WITH current_follows AS (
  SELECT customer_id, followed_at
  FROM commerce.follows
  WHERE account_id IS NOT NULL AND followed_at < $2 AND (unfollowed_at IS NULL OR unfollowed_at >= $2)
), active AS (
  SELECT customer_id FROM current_follows GROUP BY customer_id HAVING NOT bool_or(followed_at >= $1)
  INTERSECT
  SELECT v.customer_id FROM commerce.content_views v JOIN commerce.content ct ON ct.content_id = v.content_id
  WHERE v.viewed_at >= $1 AND v.viewed_at < $2
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
FROM active a
LEFT JOIN commerce.customers c USING (customer_id)
GROUP BY 1
ORDER BY 1;
