{{/*
Shared definitions of SPEC §4 Buyers, included by the buyers statements.

"periods" must be defined before: (period, period_from, period_to, lookback_from).
  buyers(P):        distinct customers with a valid order in P, with their revenue in P
  new buyers(P):    buyers(P) with no valid order in [look-back start, P's start)
  repeat buyers(P): the other buyers(P)
Without order_history, each buyer's earlier orders are probed through
orders_valid_customer_placed_at, so the cost follows the period's buyers, not the length of the
look-back; with it (the history form of the statements), the period's rows of order_history say
it. classified_buyers is materialized so that statements joining it to order rows classify once
per buyer, not once per row.
*/}}
{{/* period_orders: the valid orders of each period, the rows every buyers figure starts from. */}}
{{define "period_orders" -}}
FROM periods p
    JOIN orders o ON o.is_valid AND o.placed_at >= p.period_from AND o.placed_at < p.period_to
{{- end}}
{{/*
period_buyers and classified_buyers (new or repeat) for every buyer of each period;
content_buyers the same two CTEs for the buyers of orders with a content_id only, for rankings by
content, so that no other buyer's history is probed (with order_history nothing is probed, and
content_buyers classifies every buyer: reading their first rows costs less than the probes).
*/}}
{{define "period_buyers"}}{{template "period_buyers_of" "classes"}}{{end}}
{{define "content_buyers"}}{{template "period_buyers_of" "content"}}{{end}}
{{/*
period_buyer_revenue: classified_buyers with each buyer's revenue in the period (the summary); in
the history form a row may stand for several buyers of one class (its column "buyers").
*/}}
{{define "period_buyer_revenue"}}{{template "period_buyers_of" "revenue"}}{{end}}
{{define "period_buyers_of"}}
{{- if and history (or (eq . "classes") (eq . "content"))}}
{{/*
With order_history (each valid order with the time of the customer's valid order before it): of a
buyer's orders in the period, exactly one, their first, has its previous order before the
period's start (or none; a second order at the same instant has the first as its previous), so
those rows are the period's buyers, one each, and the buyer is repeat when that previous order
lies in the look-back. No grouping: the classes only (revenue is not a column here).
*/}}
classified_buyers AS MATERIALIZED (
    SELECT p.period,
           h.customer_id,
           coalesce(h.previous_placed_at >= p.lookback_from, false) AS is_repeat
    FROM periods p
    JOIN order_history h ON h.placed_at >= p.period_from AND h.placed_at < p.period_to
    WHERE h.previous_placed_at IS NULL OR h.previous_placed_at < p.period_from
)
{{- else if and history (eq . "revenue")}}
{{/*
The same with each buyer's revenue, from their first and last rows of the period (period_end_rows in
history.tmpl.sql): the first says new or repeat (its previous order in [look-back start, period
start)), and the two rows' running revenue gives the revenue in between. An alone row is its
buyer's only order of the period: those are summed per class straight away (one group per period
and class, "buyers" of them), and only the buyers with several orders are grouped, two rows each.
Each period is grouped on its own (a lateral subquery), so the hash holds one period's buyers.
*/}}
classified_buyers AS MATERIALIZED (
    SELECT p.period, g.buyers, g.revenue, g.is_repeat
    FROM periods p
    CROSS JOIN LATERAL (
        SELECT CASE WHEN a.alone THEN count(*) ELSE 1 END AS buyers,
               {{template "period_revenue"}} AS revenue,
               coalesce(bool_or(e.first AND h.previous_placed_at >= p.lookback_from), false) AS is_repeat
        {{template "period_end_rows"}}
        {{template "period_groups" "coalesce(h.previous_placed_at >= p.lookback_from, false)"}}
    ) g
)
{{- else}}
period_buyers AS (
    SELECT p.period, o.customer_id, sum(o.total) AS revenue
    {{template "period_orders"}}
    {{- if eq . "content"}} AND o.content_id IS NOT NULL{{end}}
    GROUP BY p.period, o.customer_id
),
{{template "classified_buyers"}}
{{- end}}
{{end}}
{{/* classified_buyers: new or repeat, for the buyers in "period_buyers" (period, customer_id, revenue). */}}
{{define "classified_buyers"}}
classified_buyers AS MATERIALIZED (
    SELECT b.period,
           b.customer_id,
           b.revenue,
           EXISTS (
               SELECT 1
               FROM orders earlier
               WHERE earlier.customer_id = b.customer_id
                 AND earlier.is_valid
                 AND earlier.placed_at >= p.lookback_from
                 AND earlier.placed_at < p.period_from
           ) AS is_repeat
    FROM period_buyers b
    JOIN periods p USING (period)
)
{{end}}
{{/*
repeat_by_history: with order_history, whether the buyer of the period's order with the given
customer id column is repeat: they are new when one of their rows of the period has its previous
order before the look-back start (or none), the first row of a new buyer (buyers.tmpl.sql's
classified_buyers). $1, $2 the period and $3 its look-back start, as in every statement using
it. Unlike a join to classified_buyers, it needs no sort of the period's rows by customer: for
all the rows of a period PostgreSQL hashes the new buyers once (a hashed subplan) while their
estimated number fits in hash_mem (some 4M at the plugin's 64 MB work_mem), and beyond that
looks each customer up in order_history_customer_id: slower, never wrong.
*/}}
{{define "repeat_by_history" -}}
NOT EXISTS (
    SELECT 1
    FROM order_history h
    WHERE h.customer_id = {{.}}
      AND h.placed_at >= $1
      AND h.placed_at < $2
      AND (h.previous_placed_at IS NULL OR h.previous_placed_at < $3)
)
{{- end}}
