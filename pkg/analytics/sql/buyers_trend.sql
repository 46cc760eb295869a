-- New and repeat buyers with their revenue for consecutive buckets (a trend), the definitions of
-- buyers.tmpl.sql applied to each bucket as its own period, counted in one pass: each valid order
-- of the range knows the customer's previous valid order (lag), so a bucket's buyer is repeat when
-- the order before their first order in the bucket lies in the bucket's look-back. Only a
-- customer's first order of the whole range needs an index probe for earlier orders.
-- $1 bucket starts, ascending (bucket i is [$1[i], $1[i+1]), the last ends at $2); $2 the range's
-- end; $3 each bucket's look-back start (-infinity: all history).
{{- if history}}
-- With order_history the previous order of each row is stored: a bucket's buyer is repeat when
-- one of their orders in the bucket has its previous order in [bucket's look-back, bucket start)
-- (only their first order in the bucket can), so no probe is needed. A row whose previous order
-- is before its bucket and whose next is after it is its buyer's only order of the bucket
-- ("alone"; most rows, with daily buckets): those are summed per bucket and class straight away,
-- and only the other rows are grouped per bucket and buyer (see buyers.tmpl.sql). One scan.
-- Each bucket is its own period p (period_from, period_to, lookback_from), so the test of
-- history.tmpl.sql applies as it is.
WITH classified AS (
    SELECT p.bucket,
           CASE WHEN a.alone THEN count(*) ELSE 1 END AS buyers,
           sum(h.total) AS revenue,
           coalesce(bool_or(h.previous_placed_at >= p.lookback_from AND h.previous_placed_at < p.period_from), false) AS is_repeat
    FROM order_history h
    CROSS JOIN LATERAL (
        SELECT b.bucket,
               ($1::timestamptz[])[b.bucket] AS period_from,
               coalesce(($1::timestamptz[])[b.bucket + 1], $2::timestamptz) AS period_to,
               ($3::timestamptz[])[b.bucket] AS lookback_from
        FROM (SELECT width_bucket(h.placed_at, $1::timestamptz[]) AS bucket) b
    ) p
    {{template "alone_in_period"}}
    WHERE h.placed_at >= ($1::timestamptz[])[1]
      AND h.placed_at < $2::timestamptz
    GROUP BY p.bucket, a.alone,
             CASE WHEN NOT a.alone THEN h.customer_id END,
             CASE WHEN a.alone THEN coalesce(h.previous_placed_at >= p.lookback_from, false) END
)
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
SELECT bucket AS period, is_repeat, {{if history}}sum(buyers){{else}}count(*){{end}}::bigint AS buyers, sum(revenue)::float8 AS revenue
FROM classified
GROUP BY bucket, is_repeat
