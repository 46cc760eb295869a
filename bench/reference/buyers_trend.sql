-- Reference SQL for query type buyers, view trend, bucket day or week; range: any (the suite runs it on the last 30 days by day and the last 365 days by week), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- args: from, to, bucket

-- $1 from, $2 to, $3 the bucket ('day' or 'week'; weeks start on Monday). Buckets are clipped to
-- [$1, $2); a buyer is new in a bucket without a valid order in the 365 days before its start.
WITH buckets AS (
  SELECT greatest(b, $1) AS bucket_start, least(b + ('1 ' || $3)::interval, $2) AS bucket_end
  FROM generate_series(date_trunc($3, $1::timestamptz), $2::timestamptz - interval '1 microsecond', ('1 ' || $3)::interval) AS b
), buyers AS (
  SELECT k.bucket_start, o.customer_id, sum(o.total) AS revenue,
         EXISTS (SELECT 1 FROM commerce.orders h
                 WHERE h.customer_id = o.customer_id AND h.is_valid
                   AND h.placed_at >= k.bucket_start - interval '365 days' AND h.placed_at < k.bucket_start) AS is_repeat
  FROM buckets k
  JOIN commerce.orders o ON o.is_valid AND o.placed_at >= k.bucket_start AND o.placed_at < k.bucket_end
  GROUP BY k.bucket_start, o.customer_id
)
SELECT k.bucket_start AS "time",
       count(b.customer_id) FILTER (WHERE NOT b.is_repeat) AS new_buyers,
       count(b.customer_id) FILTER (WHERE b.is_repeat) AS repeat_buyers,
       coalesce(sum(b.revenue) FILTER (WHERE NOT b.is_repeat), 0) AS new_revenue,
       coalesce(sum(b.revenue) FILTER (WHERE b.is_repeat), 0) AS repeat_revenue,
       (count(b.customer_id) FILTER (WHERE b.is_repeat))::float8 / nullif(count(b.customer_id), 0) AS repeat_rate
FROM buckets k
LEFT JOIN buyers b USING (bucket_start)
GROUP BY k.bucket_start
ORDER BY 1;
