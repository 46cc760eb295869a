-- Reference SQL for query type customer_events, view summary (comparison: previous period); range: any (the suite runs it on each range the view is benchmarked on: the last 7, 30 or 365 days), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- args: from, to, prev_from

-- $1 from, $2 to, $3 previous period's from. Thresholds: at risk 182 days, lapsed 385 days (defaults).
WITH periods AS (
  SELECT 'cur' AS period, $1::timestamptz AS p_from, $2::timestamptz AS p_to
  UNION ALL SELECT 'prev', $3::timestamptz, $1::timestamptz
), numbered AS (
  SELECT customer_id, placed_at,
         row_number() OVER (PARTITION BY customer_id ORDER BY placed_at, order_id) AS n,
         placed_at - lag(placed_at) OVER (PARTITION BY customer_id ORDER BY placed_at, order_id) AS gap
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2
), events AS (
  SELECT p.period,
         count(DISTINCT x.customer_id) AS unique_customers,
         count(DISTINCT x.customer_id) FILTER (WHERE x.n = 1) AS customers_gained,
         count(DISTINCT x.customer_id) FILTER (WHERE x.n = 2) AS second_orders,
         count(DISTINCT x.customer_id) FILTER (WHERE x.gap >= interval '385 days') AS won_back,
         count(DISTINCT x.customer_id) FILTER (WHERE x.gap >= interval '182 days' AND x.gap < interval '385 days') AS saved
  FROM periods p
  JOIN numbered x ON x.placed_at >= p.p_from AND x.placed_at < p.p_to
  GROUP BY p.period
)
SELECT m.metric, m.customers, m.customers_previous
FROM events c, events p,
LATERAL (VALUES
  ('Unique customers', c.unique_customers, p.unique_customers),
  ('Customers gained', c.customers_gained, p.customers_gained),
  ('Second orders', c.second_orders, p.second_orders),
  ('Customers won back', c.won_back, p.won_back),
  ('Customers saved', c.saved, p.saved)) AS m(metric, customers, customers_previous)
WHERE c.period = 'cur' AND p.period = 'prev';
