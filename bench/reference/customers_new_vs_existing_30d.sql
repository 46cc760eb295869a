-- Reference SQL for query type customers, view new_vs_existing (comparison: previous period); range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- args: from, to, prev_from

-- $1 from, $2 to, $3 previous period's from
WITH periods AS (
  SELECT 'cur' AS period, $1::timestamptz AS p_from, $2::timestamptz AS p_to
  UNION ALL SELECT 'prev', $3::timestamptz, $1::timestamptz
), active AS (
  SELECT p.period, o.customer_id, count(*) AS orders, sum(o.total) AS revenue
  FROM periods p
  JOIN commerce.orders o ON o.is_valid AND o.placed_at >= p.p_from AND o.placed_at < p.p_to
  GROUP BY p.period, o.customer_id
), firsts AS (
  SELECT customer_id, min(placed_at) AS first_order
  FROM commerce.orders WHERE is_valid AND placed_at < $2
  GROUP BY customer_id
), labelled AS (
  SELECT a.period, a.orders, a.revenue,
         CASE WHEN f.first_order >= p.p_from THEN 'New customers' ELSE 'Existing customers' END AS grp
  FROM active a JOIN firsts f USING (customer_id) JOIN periods p USING (period)
), grouped AS (
  SELECT period, grp, orders, revenue FROM labelled
  UNION ALL SELECT period, 'All customers', orders, revenue FROM labelled
)
SELECT grp AS "group",
       count(*) FILTER (WHERE period = 'cur') AS customers,
       count(*) FILTER (WHERE period = 'cur')::float8 / (SELECT count(*) FROM active WHERE period = 'cur') AS customer_share,
       sum(orders) FILTER (WHERE period = 'cur') AS orders_in_period,
       sum(revenue) FILTER (WHERE period = 'cur') AS revenue_in_period,
       sum(revenue) FILTER (WHERE period = 'cur') / (SELECT sum(revenue) FROM active WHERE period = 'cur') AS revenue_share,
       sum(revenue) FILTER (WHERE period = 'cur') / sum(orders) FILTER (WHERE period = 'cur') AS aov_in_period,
       count(*) FILTER (WHERE period = 'prev') AS customers_previous,
       sum(orders) FILTER (WHERE period = 'prev') AS orders_in_period_previous,
       sum(revenue) FILTER (WHERE period = 'prev') AS revenue_in_period_previous
FROM grouped
GROUP BY grp
ORDER BY grp;
