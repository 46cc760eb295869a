-- The values one customer dimension takes among the contacts as of $1, with their contacts (a
-- dashboard variable lists them, largest first). Parameters: dimensions.tmpl.sql.
-- A dimension of the customers row alone reads that row; the contacts are the customers known
-- before as_of and any with a valid order before it (contact_stats' rule). The others derive
-- every contact's figures (contact_dims).
{{- if .Dim.CustomerRow}}
WITH {{template "dimension_params"}}
SELECT {{.Dim.Expr}} AS value, count(*) AS contacts
FROM customers c
CROSS JOIN params p
WHERE c.created_at < p.as_of
   OR EXISTS (SELECT 1 FROM orders o
              WHERE o.customer_id = c.customer_id AND o.is_valid AND o.placed_at < p.as_of)
GROUP BY 1
{{- else}}
WITH {{template "contact_dims" .}}
SELECT {{.Dim.Expr}} AS value, count(*) AS contacts
FROM contact_dims c
CROSS JOIN params p
GROUP BY 1
{{- end}}
