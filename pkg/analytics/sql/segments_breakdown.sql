-- The segment breakdown (SPEC §4 "Segment breakdown"): the contacts as of $1 split by one
-- dimension, one row per value it takes, with the sums the breakdown's figures divide
-- (segments.go computes the averages of sums, rates and shares). Parameters: dimensions.tmpl.sql.
--   contacts, customers (a valid order), repeat (2+) and one-time (1) customers
--   orders: valid orders; orders_attempted: valid and invalid orders; revenue: their total
--   annual_*: valid orders and revenue in the 365 days before $1
--   lapsed_customers: lifecycle status lapsed
--   avg_*_days: averages over the customers that have the duration (recency and first-order
--   delay: every customer; second-order delay: customers with a second valid order)
WITH {{template "contact_dims" .}}
SELECT {{.Dim.Expr}} AS value,
       count(*) AS contacts,
       count(*) FILTER (WHERE c.is_customer) AS customers,
       count(*) FILTER (WHERE c.orders >= 2) AS repeat_customers,
       count(*) FILTER (WHERE c.orders = 1) AS one_time_customers,
       sum(c.orders)::bigint AS orders,
       sum(c.attempted_orders)::bigint AS orders_attempted,
       sum(c.revenue)::float8 AS revenue,
       sum(c.annual_orders)::bigint AS annual_orders,
       sum(c.annual_revenue)::float8 AS annual_revenue,
       count(*) FILTER (WHERE c.lifecycle_status = 'lapsed') AS lapsed_customers,
       avg(c.recency_days)::float8 AS avg_recency_days,
       avg(c.first_order_delay_days)::float8 AS avg_first_order_delay_days,
       avg(c.second_order_delay_days)::float8 AS avg_second_order_delay_days
FROM contact_dims c
CROSS JOIN params p
GROUP BY 1
