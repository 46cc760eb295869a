-- The customer-value snapshot (seed 003): contacts and their revenue (valid orders before $1) per
-- value band; leads are their own row. Parameters: dimensions.tmpl.sql.
WITH {{template "contact_dims" .}}
SELECT c.value_band, count(*) AS contacts, sum(c.revenue)::float8 AS revenue
FROM contact_dims c
GROUP BY 1
