-- Customer acquisition (SPEC §4 Customer report): the customers whose first-ever valid order falls
-- in each bucket, with the revenue of that first order, for the buckets of one or more ranges at
-- once (the period's and its comparison period's).
-- $1 range starts, $2 range ends (1 the period, 2 the comparison); $3 bucket starts, ascending
-- within each range, whose buckets cover their range exactly; $4 the range of each bucket.
-- A customer is acquired in a range when they have a valid order in it and none before its start.
-- Their first order is every valid order placed at their first instant (a checkout split into
-- several orders is one first order).
-- One row per bucket, in the order given.
-- The candidates come from the range's orders (orders_valid_placed_at); each one's first order is
-- the head of its range of orders_valid_customer_placed_at; the bucket is a binary search in the
-- range's bucket starts (width_bucket), so neither depends on the number of buckets. With the
-- optional order_history (the history form), the first orders are the range's rows placed at
-- their customer's first instant: no probe, and only those rows are read.
WITH ranges AS (
    SELECT ord::int AS range_no, range_from, range_to
    FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS r (range_from, range_to, ord)
),
buckets AS (
    SELECT ord::int AS bucket, bucket_from, range_no
    FROM unnest($3::timestamptz[], $4::int[]) WITH ORDINALITY AS b (bucket_from, range_no, ord)
),
range_buckets AS (
    SELECT range_no, min(bucket) AS first_bucket, array_agg(bucket_from ORDER BY bucket) AS bucket_starts
    FROM buckets
    GROUP BY range_no
),
{{- if history}}
-- The first orders of each range, from order_history_first (the rows placed at their customer's
-- first instant, first_placed_at): every order of a customer's first instant is one row, and
-- only the customer's first-ever order (earlier_orders = 0) counts them, so no grouping per
-- customer is needed.
acquired AS (
    SELECT r.range_no, h.placed_at AS first_at, (h.earlier_orders = 0)::int AS customers, h.total AS revenue
    FROM ranges r
    JOIN order_history h ON h.placed_at >= r.range_from AND h.placed_at < r.range_to
                        AND h.placed_at = h.first_placed_at
),
{{- else}}
range_customers AS (
    SELECT DISTINCT r.range_no, r.range_from, o.customer_id
    FROM ranges r
    JOIN orders o ON o.is_valid AND o.placed_at >= r.range_from AND o.placed_at < r.range_to
),
acquired AS (
    SELECT rc.range_no, f.first_at, 1 AS customers, f.revenue
    FROM range_customers rc
    CROSS JOIN LATERAL (
        SELECT o.placed_at AS first_at, sum(o.total) AS revenue
        FROM orders o
        WHERE o.customer_id = rc.customer_id
          AND o.is_valid
        GROUP BY o.placed_at
        ORDER BY o.placed_at
        LIMIT 1
    ) f
    WHERE f.first_at >= rc.range_from
),
{{- end}}
per_bucket AS (
    SELECT rb.first_bucket + width_bucket(a.first_at, rb.bucket_starts) - 1 AS bucket,
           sum(a.customers) AS customers,
           sum(a.revenue) AS revenue
    FROM acquired a
    JOIN range_buckets rb USING (range_no)
    GROUP BY bucket
)
SELECT b.bucket,
       coalesce(pb.customers, 0) AS new_customers,
       coalesce(pb.revenue, 0)::float8 AS first_order_revenue
FROM buckets b
LEFT JOIN per_bucket pb USING (bucket)
ORDER BY b.bucket
