{{/*
Shared definitions of SPEC §4 Customer events, included by the events statements.

Before it, a statement defines
  "periods"    (period, period_from, period_to, range_id, range_from): the periods to count, each
               inside a range (the selected period, or the comparison period) that its periods cover
               exactly, without gaps; range_from is the range's start;
  "thresholds" (at_risk, lapsed): the lifecycle thresholds as intervals of whole 24-hour days.

Every valid order in a range gets facts from the customer's whole history of valid orders. They
do not depend on the period the order is counted in, so a period's events are simply the
customers behind its orders with the fact asked for:
  earlier:   how many valid orders the customer placed before this one (exact for 0, the
             first-ever valid order, and 1, the second; any larger number means "two or more")
  previous:  when the customer's previous valid order was placed (NULL: there is none)
  wins_back: previous ≤ placed_at − lapsed                        (they had lapsed when they ordered)
  saves:     placed_at − lapsed < previous ≤ placed_at − at_risk  (they were at risk)
Orders placed at the same instant are numbered in order id order.

Cost: the range's valid orders are read from orders_valid_placed_at and numbered by a window over
each customer's orders in the range; the history before the range costs one probe of
orders_valid_customer_placed_at per customer and range (at most two index entries), never a scan
of a customer's history or of the whole table. With the optional order_history (the history form,
{{if history}}), both facts are columns of the period's rows: one scan of its placed_at index, no
window and no probe.
*/}}
{{define "event_orders"}}
{{- if history}}
-- Each valid order in a period, with its customer's earlier orders counted and the previous one
-- placed, as order_history keeps them.
event_orders AS (
    SELECT p.period, p.period_from, p.range_id, h.customer_id, h.placed_at, h.order_id,
           h.earlier_orders AS earlier,
           h.previous_placed_at AS previous,
           coalesce(h.previous_placed_at <= h.placed_at - t.lapsed, false) AS wins_back,
           coalesce(h.previous_placed_at > h.placed_at - t.lapsed AND h.previous_placed_at <= h.placed_at - t.at_risk, false) AS saves
    FROM periods p
    CROSS JOIN thresholds t
    JOIN order_history h ON h.placed_at >= p.period_from AND h.placed_at < p.period_to
)
{{- else}}
range_orders AS (
    SELECT p.period, p.period_from, p.range_id, p.range_from, o.customer_id, o.placed_at, o.order_id,
           row_number() OVER w - 1 AS earlier_in_range,
           lag(o.placed_at) OVER w AS previous_in_range
    FROM periods p
    JOIN orders o ON o.is_valid AND o.placed_at >= p.period_from AND o.placed_at < p.period_to
    WINDOW w AS (PARTITION BY p.range_id, o.customer_id ORDER BY o.placed_at, o.order_id)
),
-- The customer's first order in the range probes the (at most two) valid orders before the range;
-- their other orders skip the probe and take its count over the window.
probed_orders AS (
    SELECT ro.*, h.earlier AS earlier_before_range, h.previous AS previous_before_range
    FROM range_orders ro
    CROSS JOIN LATERAL (
        SELECT count(*) AS earlier, max(b.placed_at) AS previous
        FROM (
            SELECT e.placed_at
            FROM orders e
            WHERE ro.earlier_in_range = 0
              AND e.customer_id = ro.customer_id
              AND e.is_valid
              AND e.placed_at < ro.range_from
            ORDER BY e.placed_at DESC
            LIMIT 2
        ) b
    ) h
),
placed_orders AS (
    SELECT period, period_from, range_id, customer_id, placed_at, order_id,
           max(earlier_before_range) OVER (PARTITION BY range_id, customer_id) + earlier_in_range AS earlier,
           coalesce(previous_in_range, previous_before_range) AS previous
    FROM probed_orders
),
event_orders AS (
    SELECT po.*,
           coalesce(po.previous <= po.placed_at - t.lapsed, false) AS wins_back,
           coalesce(po.previous > po.placed_at - t.lapsed AND po.previous <= po.placed_at - t.at_risk, false) AS saves
    FROM placed_orders po
    CROSS JOIN thresholds t
)
{{- end}}
{{end}}

{{define "event_thresholds"}}
thresholds AS (
    SELECT make_interval(hours => 24 * $3::int) AS at_risk,
           make_interval(hours => 24 * $4::int) AS lapsed
)
{{end}}
