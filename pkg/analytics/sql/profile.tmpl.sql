{{/*
A profile of a group of customers "grp" (customer_id) by one dimension, over "periods" (one row:
period_from, period_to, ref_year, device_edges). The dimension's expression is one of the fixed
expressions in profiles.go, chosen by name: never user text.
  value: the dimension's value ('unknown' when the contract column is null), n: customers, or
  content views for video_preference.
*/}}
{{define "profile"}}
{{- if eq .Name "video_preference"}}
SELECT coalesce(ct.category, 'unknown') AS value, count(*) AS n
FROM grp
JOIN periods p ON true
JOIN content_views v
  ON v.customer_id = grp.customer_id
 AND v.viewed_at >= p.period_from
 AND v.viewed_at < p.period_to
JOIN content ct ON ct.content_id = v.content_id
GROUP BY 1
{{- else}}
SELECT {{.Expr}} AS value, count(*) AS n
FROM grp
JOIN periods p ON true
LEFT JOIN customers c ON c.customer_id = grp.customer_id
{{.Join}}
GROUP BY 1
{{- end}}
{{end}}
