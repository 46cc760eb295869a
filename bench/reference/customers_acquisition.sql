-- Reference SQL for query type customers, view acquisition, bucket day or week; range: any (the suite runs it on the last 30 days by day and the last 365 days by week), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- args: from, to, bucket

-- $1 from, $2 to, $3 the bucket ('day' or 'week'; weeks start on Monday). Buckets are clipped to
-- [$1, $2).
WITH buckets AS (
  SELECT greatest(b, $1) AS bucket_start, least(b + ('1 ' || $3)::interval, $2) AS bucket_end
  FROM generate_series(date_trunc($3, $1::timestamptz), $2::timestamptz - interval '1 microsecond', ('1 ' || $3)::interval) AS b
), first_orders AS (
  SELECT DISTINCT ON (customer_id) customer_id, placed_at, total
  FROM commerce.orders
  WHERE is_valid
  ORDER BY customer_id, placed_at, order_id
)
SELECT k.bucket_start AS "time",
       count(f.customer_id) AS new_customers,
       coalesce(sum(f.total), 0) AS first_order_revenue
FROM buckets k
LEFT JOIN first_orders f ON f.placed_at >= k.bucket_start AND f.placed_at < k.bucket_end
GROUP BY k.bucket_start
ORDER BY 1;
