-- Reference SQL for query type customer_events, view trend, bucket day; range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- args: from, to

-- $1 from, $2 to. Thresholds: at risk 182 days, lapsed 385 days (defaults).
WITH buckets AS (
  SELECT b AS bucket_start, b + interval '1 day' AS bucket_end
  FROM generate_series($1::timestamptz, $2::timestamptz - interval '1 day', interval '1 day') AS b
), numbered AS (
  SELECT customer_id, placed_at,
         row_number() OVER (PARTITION BY customer_id ORDER BY placed_at, order_id) AS n,
         placed_at - lag(placed_at) OVER (PARTITION BY customer_id ORDER BY placed_at, order_id) AS gap
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2
)
SELECT k.bucket_start AS "time",
       count(DISTINCT x.customer_id) AS unique_customers,
       count(DISTINCT x.customer_id) FILTER (WHERE x.n = 1) AS customers_gained,
       count(DISTINCT x.customer_id) FILTER (WHERE x.n = 2) AS second_orders,
       count(DISTINCT x.customer_id) FILTER (WHERE x.gap >= interval '385 days') AS won_back,
       count(DISTINCT x.customer_id) FILTER (WHERE x.gap >= interval '182 days' AND x.gap < interval '385 days') AS saved
FROM buckets k
LEFT JOIN numbered x ON x.placed_at >= k.bucket_start AND x.placed_at < k.bucket_end
GROUP BY k.bucket_start
ORDER BY 1;
