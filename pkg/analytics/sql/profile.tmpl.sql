{{/*
A profile of a group of customers "grp" (customer_id) by one dimension, over "periods" (one row:
period_from, period_to, ref_year, device_edges). The dimension's expression is one of the fixed
expressions in profiles.go, chosen by name: never user text.
  value: the dimension's value ('unknown' when the contract column is null), n: customers, or
  content views for video_preference. A dimension with Columns (profileColumns) also returns
  dimension: the name of the dimension each row counts.
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
{{- else if .Columns}}
-- Every dimension of .Columns (each read from the customer row alone) in one pass over the group:
-- a grouping set per dimension, which GROUPING names on each row (no value is null).
SELECT CASE{{range .Columns}} WHEN GROUPING(x.{{.Name}}) = 0 THEN '{{.Name}}'{{end}} END AS dimension,
       coalesce({{range $i, $d := .Columns}}{{if $i}}, {{end}}x.{{$d.Name}}{{end}}) AS value,
       count(*) AS n
FROM (
    SELECT
{{- range $i, $d := .Columns}}{{if $i}},{{end}}
        {{$d.Expr}} AS {{$d.Name}}
{{- end}}
    FROM grp
    JOIN periods p ON true
    LEFT JOIN customers c ON c.customer_id = grp.customer_id
) x
GROUP BY GROUPING SETS ({{range $i, $d := .Columns}}{{if $i}}, {{end}}(x.{{$d.Name}}){{end}})
{{- else}}
SELECT {{.Expr}} AS value, count(*) AS n
FROM grp
JOIN periods p ON true
LEFT JOIN customers c ON c.customer_id = grp.customer_id
{{.Join}}
GROUP BY 1
{{- end}}
{{end}}
