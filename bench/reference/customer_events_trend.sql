-- Reference SQL for query type customer_events, view trend, bucket day or week; range: any (the suite runs it on the last 30 days by day and the last 365 days by week), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- args: from, to, bucket

-- $1 from, $2 to, $3 the bucket ('day' or 'week'; weeks start on Monday). Buckets are clipped to
-- [$1, $2). Thresholds: at risk 182 days, lapsed 385 days (defaults).
WITH buckets AS (
  SELECT greatest(b, $1) AS bucket_start
  FROM generate_series(date_trunc($3, $1::timestamptz), $2::timestamptz - interval '1 microsecond', ('1 ' || $3)::interval) AS b
), numbered AS (
  SELECT customer_id, placed_at,
         row_number() OVER (PARTITION BY customer_id ORDER BY placed_at, order_id) AS n,
         placed_at - lag(placed_at) OVER (PARTITION BY customer_id ORDER BY placed_at, order_id) AS gap
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2
), in_period AS (
  SELECT greatest(date_trunc($3, placed_at), $1) AS bucket_start, customer_id, n, gap
  FROM numbered
  WHERE placed_at >= $1
), per_bucket AS (
  SELECT bucket_start,
         count(DISTINCT customer_id) AS unique_customers,
         count(DISTINCT customer_id) FILTER (WHERE n = 1) AS customers_gained,
         count(DISTINCT customer_id) FILTER (WHERE n = 2) AS second_orders,
         count(DISTINCT customer_id) FILTER (WHERE gap >= interval '385 days') AS won_back,
         count(DISTINCT customer_id) FILTER (WHERE gap >= interval '182 days' AND gap < interval '385 days') AS saved
  FROM in_period
  GROUP BY bucket_start
)
SELECT k.bucket_start AS "time",
       coalesce(p.unique_customers, 0) AS unique_customers,
       coalesce(p.customers_gained, 0) AS customers_gained,
       coalesce(p.second_orders, 0) AS second_orders,
       coalesce(p.won_back, 0) AS won_back,
       coalesce(p.saved, 0) AS saved
FROM buckets k
LEFT JOIN per_bucket p USING (bucket_start)
ORDER BY 1;
