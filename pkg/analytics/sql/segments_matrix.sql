-- The dimension matrix (SPEC §4 "Segment breakdown"): the contacts as of $1 counted for every
-- pair of values of two dimensions that has any. Parameters: dimensions.tmpl.sql.
WITH {{template "contact_dims" .}}
SELECT {{.Dim.Expr}} AS value, {{.Dim2.Expr}} AS value2, count(*) AS contacts
FROM contact_dims c
CROSS JOIN params p
GROUP BY 1, 2
