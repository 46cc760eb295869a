{{/*
Shared fragments of the statements' history forms (the optional order_history).

alone_in_period: joined laterally to an order_history row h of a period p (period_from,
period_to), it says whether h is its customer's only valid order of the period: their previous
order is before the period (or none) and their next one after it (or none). Such a row holds
everything the period's figures need of that customer, so the statements sum these rows per
group at once and group only the other customers' rows one by one.
*/}}
{{define "alone_in_period" -}}
CROSS JOIN LATERAL (
        SELECT (h.previous_placed_at IS NULL OR h.previous_placed_at < p.period_from)
               AND (h.next_placed_at IS NULL OR h.next_placed_at >= p.period_to) AS alone
    ) a
{{- end}}
