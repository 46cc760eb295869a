-- Customers by audience state at many instants at once (SPEC §4 "Audience growth", the stacked
-- growth chart). The audience state is defined once, in contact_dims (dimensions.tmpl.sql):
--   new            first valid order at or after new_from (the instant − 30 local days)
--   active         otherwise, last valid order > instant − at-risk
--   slipping away  last valid order > instant − lapsed
--   lost           beyond
-- This statement evaluates that same rule at every instant without re-running the per-customer
-- pass once per instant: between two consecutive valid orders o and next of a customer, the last
-- valid order before an instant t in (o, next] is o, so the customer's state over those instants
-- depends only on t − o. Each order thus covers a range of instant indexes per state; the
-- statement answers, per state and index, how many ranges start (+) and end (−) there, and the
-- engine adds them up in instant order (audience.go). One pass over the valid orders, whatever
-- the number of instants. The tests (audience_test.go, audience_demo_test.go) check the result
-- against the segment breakdown by audience_state (contact_dims) at each instant.
--
-- Parameters:
--   $1 the instants (ascending), each its own "as of"   $2 new_from of each instant (ascending)
--   $3 at-risk and $4 lapsed thresholds, in whole days of 24 hours
-- Instant indexes are 0-based: width_bucket(x, $1) is the number of instants ≤ x, so the instants
-- after x start at that index; width_bucket(x − 1 µs, $1), the instants before x.
WITH params AS NOT MATERIALIZED (
    SELECT $1::timestamptz[] AS ends,
           $2::timestamptz[] AS new_froms,
           make_interval(hours => 24 * $3::int) AS at_risk,
           make_interval(hours => 24 * $4::int) AS lapsed,
           cardinality($1::timestamptz[]) AS n
),
-- Each valid order of a contact (a customers row) before the last instant, with the customer's
-- next valid order and first valid order. Orders at the same instant give empty ranges.
valid_orders AS (
{{- if history}}
    -- order_history carries both times: only the rows whose next order (if any) comes at or after
    -- the first instant can cover one; no window pass. Two disjoint parts, so that each has its
    -- own index: the customers' last rows (order_history_current, index-only) and the rows whose
    -- next order is at or after the first instant (order_history_followed, or a scan of the table
    -- when that is most of it). As one OR, PostgreSQL scanned the whole table for 30 days too.
    -- The customers test: in each part for instants within 92 days (.Wide false; at 1M, 30 daily
    -- instants 2.8 s against 4.1 s tested once after the union and 5.4 s as one OR), once after
    -- the union for wider ones (a year of instants: 2.1 s against 2.5 s in each part, where
    -- PostgreSQL hashed the million customers once per part).
    {{- if .Wide}}
    SELECT u.*
    FROM (
    {{- end}}
    SELECT h.customer_id, h.placed_at, NULL::timestamptz AS next_at, h.first_placed_at AS first_at
    FROM params p
    JOIN order_history h ON h.next_placed_at IS NULL AND h.placed_at < p.ends[p.n]
    {{- if not .Wide}}
    WHERE EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = h.customer_id)
    {{- end}}
    UNION ALL
    SELECT h.customer_id, h.placed_at, h.next_placed_at, h.first_placed_at
    FROM params p
    JOIN order_history h ON h.next_placed_at >= p.ends[1] AND h.placed_at < p.ends[p.n]
    {{- if .Wide}}
    ) u
    WHERE EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = u.customer_id)
    {{- else}}
    WHERE EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = h.customer_id)
    {{- end}}
{{- else}}
    SELECT o.customer_id, o.placed_at,
           lead(o.placed_at) OVER w AS next_at,
           first_value(o.placed_at) OVER w AS first_at
    FROM params p
    JOIN orders o ON o.is_valid AND o.placed_at < p.ends[p.n]
    WHERE EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = o.customer_id)
    WINDOW w AS (PARTITION BY o.customer_id ORDER BY o.placed_at)
{{- end}}
),
-- The instants whose last valid order is this one: [seg_lo, seg_hi) (orders whose next order comes
-- before the first instant have none). Within them the order is recent (active) before risk_at,
-- slipping away before lapse_at, lost from lapse_at on; the customer is new in [new_lo, new_hi).
-- Orders with equal ranges are counted together (orders); materialized: each state reads it once.
ranges AS MATERIALIZED (
    SELECT r.seg_lo, r.seg_hi, r.risk_at, r.lapse_at, r.new_lo, r.new_hi, count(*) AS orders
    FROM (
        SELECT b.seg_lo, b.seg_hi, b.risk_at, b.lapse_at,
               -- The new range matters only where it meets the order's range (the orders of a
               -- customer's first 30 days): elsewhere 0, so that equal ranges group together.
               CASE WHEN greatest(b.seg_lo, b.new_lo) < least(b.seg_hi, b.new_hi) THEN b.new_lo ELSE 0 END AS new_lo,
               CASE WHEN greatest(b.seg_lo, b.new_lo) < least(b.seg_hi, b.new_hi) THEN b.new_hi ELSE 0 END AS new_hi
        FROM (
            SELECT width_bucket(v.placed_at, p.ends) AS seg_lo,
                   coalesce(width_bucket(v.next_at, p.ends), p.n) AS seg_hi,
                   width_bucket(v.placed_at + p.at_risk - interval '1 microsecond', p.ends) AS risk_at,
                   width_bucket(v.placed_at + p.lapsed - interval '1 microsecond', p.ends) AS lapse_at,
                   width_bucket(v.first_at, p.ends) AS new_lo,
                   width_bucket(v.first_at, p.new_froms) AS new_hi
            FROM valid_orders v
            CROSS JOIN params p
            WHERE v.next_at IS NULL OR v.next_at >= p.ends[1]
        ) b
        WHERE b.seg_lo < b.seg_hi
    ) r
    GROUP BY 1, 2, 3, 4, 5, 6
),
-- The state of the last order's recency over each range (the customer's new part aside).
parts AS (
    SELECT 'active' AS state, seg_lo AS lo, least(seg_hi, risk_at) AS hi, new_lo, new_hi, orders FROM ranges
    UNION ALL
    SELECT 'slipping away', greatest(seg_lo, risk_at), least(seg_hi, lapse_at), new_lo, new_hi, orders FROM ranges
    UNION ALL
    SELECT 'lost', greatest(seg_lo, lapse_at), seg_hi, new_lo, new_hi, orders FROM ranges
),
-- Where the customer is new, new takes precedence (as in contact_dims): the new part of a range
-- moves from its state to new. Only the orders of a customer's first 30 days have one.
new_parts AS (
    SELECT state, greatest(lo, new_lo) AS lo, least(hi, new_hi) AS hi, orders
    FROM parts
    WHERE lo < hi AND greatest(lo, new_lo) < least(hi, new_hi)
)
SELECT state, lo AS idx, sum(orders)::bigint AS delta FROM parts WHERE lo < hi GROUP BY 1, 2
UNION ALL
SELECT state, hi, -sum(orders)::bigint FROM parts WHERE lo < hi AND hi < (SELECT n FROM params) GROUP BY 1, 2
UNION ALL
SELECT state, lo, -sum(orders)::bigint FROM new_parts GROUP BY 1, 2
UNION ALL
SELECT state, hi, sum(orders)::bigint FROM new_parts WHERE hi < (SELECT n FROM params) GROUP BY 1, 2
UNION ALL
SELECT 'new', lo, sum(orders)::bigint FROM new_parts GROUP BY 1, 2
UNION ALL
SELECT 'new', hi, -sum(orders)::bigint FROM new_parts WHERE hi < (SELECT n FROM params) GROUP BY 1, 2
