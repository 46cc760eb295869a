-- Reference SQL for query type customers, view summary (comparison: previous period); range: any (the suite runs it on each range the view is benchmarked on: the last 7, 30 or 365 days), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- args: from, to, prev_from

-- $1 from, $2 to, $3 previous period's from. Scope: customers with a valid order in the period; their
-- history is every valid order before the period's end; new = first-ever valid order in the period.
WITH periods AS (
  SELECT 'cur' AS period, $1::timestamptz AS p_from, $2::timestamptz AS p_to
  UNION ALL SELECT 'prev', $3::timestamptz, $1::timestamptz
), scope AS (
  SELECT p.period, o.customer_id,
         min(o.placed_at) AS first_order,
         count(*) AS orders,
         sum(o.total) AS revenue,
         count(*) FILTER (WHERE o.placed_at >= p.p_from) AS period_orders,
         coalesce(sum(o.total) FILTER (WHERE o.placed_at >= p.p_from), 0) AS period_revenue,
         bool_or(o.placed_at >= p.p_from) AS active,
         min(p.p_from) AS p_from
  FROM periods p
  JOIN commerce.orders o ON o.is_valid AND o.placed_at < p.p_to
  GROUP BY p.period, o.customer_id
), per AS (
  SELECT period,
         count(*) AS customers,
         count(*) FILTER (WHERE first_order >= p_from) AS new_customers,
         count(*) FILTER (WHERE first_order < p_from) AS existing_customers,
         sum(orders) AS orders,
         sum(revenue) AS revenue,
         count(*) FILTER (WHERE orders >= 2) AS repurchasers,
         sum(period_orders) AS orders_in_period,
         sum(period_revenue) AS revenue_in_period
  FROM scope WHERE active
  GROUP BY period
)
SELECT c.customers, c.new_customers, c.existing_customers, c.orders, c.revenue,
       c.revenue / nullif(c.orders, 0) AS aov,
       c.revenue / nullif(c.customers, 0) AS revenue_per_customer,
       c.orders::float8 / nullif(c.customers, 0) AS orders_per_customer,
       c.repurchasers::float8 / nullif(c.customers, 0) AS repurchase_rate,
       c.revenue / nullif(c.customers, 0) AS historical_clv,
       c.orders_in_period, c.revenue_in_period,
       p.customers AS customers_previous, p.new_customers AS new_customers_previous,
       p.orders AS orders_previous, p.revenue AS revenue_previous,
       p.revenue_in_period AS revenue_in_period_previous
FROM per c, per p
WHERE c.period = 'cur' AND p.period = 'prev';
