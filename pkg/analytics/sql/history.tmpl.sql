{{/*
Shared fragments of the statements' history forms (the optional order_history).

period_end_rows: the FROM and WHERE of a lateral subquery over the order_history rows h of a
period p (period_from, period_to). Of each row it says whether it is its customer's first valid
order of the period (e.first: their previous order is before the period, or none) and whether it
is their last (e.last: their next order is after it, or none); a row that is both is their only
order there (a.alone). Exactly one row of each customer with orders in the period is first and
one is last, and those two carry all the period's figures of that customer: the running columns
(earlier_orders, earlier_revenue) of the last row minus those of the first are the customer's
orders and revenue in between. So the statements keep the first and last rows only, sum alone
rows per group at once, and group the other customers' two rows one by one. The orders in
between are read by the index scan but never hashed: most of a year's rows are such middle
orders.
*/}}
{{define "period_end_rows" -}}
FROM order_history h
        CROSS JOIN LATERAL (
            SELECT h.previous_placed_at IS NULL OR h.previous_placed_at < p.period_from AS first,
                   h.next_placed_at IS NULL OR h.next_placed_at >= p.period_to AS last
        ) e
        CROSS JOIN LATERAL (SELECT e.first AND e.last AS alone) a
        WHERE h.placed_at >= p.period_from AND h.placed_at < p.period_to
          AND (e.first OR e.last)
{{- end}}
{{/*
period_groups: the GROUP BY of those rows, given the expression of a row's class (new or
repeat...; the same for every row of one customer): one group per class of alone rows, one per
customer for the others.
*/}}
{{define "period_groups" -}}
GROUP BY a.alone,
                 CASE WHEN NOT a.alone THEN h.customer_id END,
                 CASE WHEN a.alone THEN {{.}} END
{{- end}}
{{/*
period_revenue: the revenue of a group's customers in the period, as an aggregate over the
period_end_rows of one group: the sum of the totals for an alone group, the last row's running
revenue after it minus the first row's before it for a customer's two rows. The FILTERs keep each
kind of group from allocating the other kind's state (a numeric sum's state is ~100 bytes; with
one per customer the hash of a year-long period outgrows work_mem and spills).
*/}}
{{define "period_revenue" -}}
CASE WHEN a.alone THEN sum(h.total) FILTER (WHERE a.alone)
                ELSE max(h.earlier_revenue + h.total) FILTER (WHERE e.last)
                     - max(h.earlier_revenue) FILTER (WHERE e.first) END
{{- end}}
