{{/*
Shared fragments of the statements' history forms (the optional order_history).

period_ends: joined laterally to an order_history row h of a period p (period_from, period_to),
it says whether h is its customer's first valid order of the period (e.first: their previous
order is before the period, or none) and whether it is their last (e.last: their next order is
after it, or none); a row that is both is their only order there (a.alone). Exactly one row of
each customer with orders in the period is first and one is last, and those two carry all the
period's figures of that customer: the running columns (earlier_orders, earlier_revenue) of the
last row minus those of the first are the customer's orders and revenue in between. So the
statements keep the first and last rows only (WHERE e.first OR e.last), sum alone rows per group
at once, and group the other customers' two rows one by one. The orders in between are read by
the index scan but never hashed: most of a year's rows are such middle orders.
*/}}
{{define "period_ends" -}}
CROSS JOIN LATERAL (
        SELECT h.previous_placed_at IS NULL OR h.previous_placed_at < p.period_from AS first,
               h.next_placed_at IS NULL OR h.next_placed_at >= p.period_to AS last
    ) e
    CROSS JOIN LATERAL (SELECT e.first AND e.last AS alone) a
{{- end}}
{{/*
period_revenue: the revenue of a group's customers in the period, as an aggregate over the
period_ends rows of one group: the sum of the totals for an alone group, the last row's running
revenue after it minus the first row's before it for a customer's two rows. The FILTERs keep each
kind of group from allocating the other kind's state (a numeric sum's state is ~100 bytes; with
one per customer the hash of a year-long period outgrows work_mem and spills).
*/}}
{{define "period_revenue" -}}
CASE WHEN a.alone THEN sum(h.total) FILTER (WHERE a.alone)
                ELSE max(h.earlier_revenue + h.total) FILTER (WHERE e.last)
                     - max(h.earlier_revenue) FILTER (WHERE e.first) END
{{- end}}
