-- Reference SQL for query type customer_events, view new_returning_lapsed (compared with the previous period); range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- New: first-ever valid order in the period; returning: the period's other customers; lapsed:
-- customers whose last valid order before the period's end, plus 385 days (the default lapsed
-- threshold), falls in the period. Share: of the three groups' total.
-- args: from, to, prev_from

-- $1 from, $2 to, $3 the previous period's start (the previous period is [$3, $1))
WITH periods AS (
  SELECT 'current' AS period, $1::timestamptz AS p_from, $2::timestamptz AS p_to
  UNION ALL
  SELECT 'previous', $3::timestamptz, $1::timestamptz
), counts AS (
  SELECT p.period,
         (SELECT count(*) FROM (
            SELECT customer_id FROM commerce.orders
            WHERE is_valid GROUP BY customer_id
            HAVING min(placed_at) >= p.p_from AND min(placed_at) < p.p_to) n) AS new_customers,
         (SELECT count(DISTINCT customer_id) FROM commerce.orders
            WHERE is_valid AND placed_at >= p.p_from AND placed_at < p.p_to) AS buyers,
         (SELECT count(*) FROM (
            SELECT customer_id FROM commerce.orders
            WHERE is_valid AND placed_at < p.p_to GROUP BY customer_id
            HAVING max(placed_at) + interval '385 days' >= p.p_from
               AND max(placed_at) + interval '385 days' < p.p_to) l) AS lapsed_customers
  FROM periods p
), groups AS (
  SELECT period, 'New customers' AS "group", new_customers AS customers FROM counts
  UNION ALL
  SELECT period, 'Returning customers', buyers - new_customers FROM counts
  UNION ALL
  SELECT period, 'Lapsed customers', lapsed_customers FROM counts
), shares AS (
  SELECT period, "group", customers,
         customers::float8 / nullif(sum(customers) OVER (PARTITION BY period), 0) AS share
  FROM groups
)
SELECT c."group", c.customers, c.share, p.customers AS customers_previous, p.share AS share_previous
FROM shares c
JOIN shares p ON p."group" = c."group" AND p.period = 'previous'
WHERE c.period = 'current'
ORDER BY 1;
