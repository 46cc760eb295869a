-- New and repeat buyers with their revenue for consecutive buckets (a trend), the definitions of
-- buyers.tmpl.sql applied to each bucket as its own period, counted in one pass: each valid order
-- of the range knows the customer's previous valid order (lag), so a bucket's buyer is repeat when
-- the order before their first order in the bucket lies in the bucket's look-back. Only a
-- customer's first order of the whole range needs an index probe for earlier orders.
-- $1 bucket starts, ascending (bucket i is [$1[i], $1[i+1]), the last ends at $2); $2 the range's
-- end; $3 each bucket's look-back start (-infinity: all history).
{{- if history}}
-- With order_history each bucket is its own period of buyers.tmpl.sql (its look-back, its first
-- and last rows per buyer; with daily buckets most rows are their buyer's only order of the
-- bucket), grouped bucket by bucket: one index range scan per bucket, no probe.
WITH periods AS (
    SELECT ord::int AS period,
           period_from,
           coalesce(lead(period_from) OVER (ORDER BY ord), $2::timestamptz) AS period_to,
           lookback_from
    FROM unnest($1::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS p (period_from, lookback_from, ord)
),
{{template "period_buyer_revenue"}}
{{- else}}
WITH range_orders AS (
    SELECT o.customer_id,
           o.placed_at,
           o.total,
           width_bucket(o.placed_at, $1::timestamptz[]) AS bucket,
           lag(o.placed_at) OVER by_customer AS previous_at,
           lag(width_bucket(o.placed_at, $1::timestamptz[])) OVER by_customer AS previous_bucket
    FROM orders o
    WHERE o.is_valid
      AND o.placed_at >= ($1::timestamptz[])[1]
      AND o.placed_at < $2::timestamptz
    WINDOW by_customer AS (PARTITION BY o.customer_id ORDER BY o.placed_at)
),
-- A customer's first order in a bucket is the one whose previous order is in another bucket (or
-- none in the range): its previous_at is the one that decides.
bucket_buyers AS (
    SELECT bucket,
           customer_id,
           sum(total) AS revenue,
           min(placed_at) AS first_at,
           max(previous_at) FILTER (WHERE previous_bucket IS DISTINCT FROM bucket) AS previous_at
    FROM range_orders
    GROUP BY bucket, customer_id
),
lookbacks AS (
    SELECT ord::int AS bucket, lookback_from
    FROM unnest($3::timestamptz[]) WITH ORDINALITY AS l (lookback_from, ord)
),
classified AS (
    SELECT b.bucket,
           b.revenue,
           CASE
               WHEN b.previous_at IS NOT NULL THEN b.previous_at >= l.lookback_from
               ELSE EXISTS (
                   SELECT 1
                   FROM orders earlier
                   WHERE earlier.customer_id = b.customer_id
                     AND earlier.is_valid
                     AND earlier.placed_at >= l.lookback_from
                     AND earlier.placed_at < b.first_at
               )
           END AS is_repeat
    FROM bucket_buyers b
    JOIN lookbacks l USING (bucket)
)
{{- end}}
{{- if history}}
SELECT period, is_repeat, sum(buyers)::bigint AS buyers, sum(revenue)::float8 AS revenue
FROM classified_buyers
GROUP BY period, is_repeat
{{- else}}
SELECT bucket AS period, is_repeat, count(*)::bigint AS buyers, sum(revenue)::float8 AS revenue
FROM classified
GROUP BY bucket, is_repeat
{{- end}}
