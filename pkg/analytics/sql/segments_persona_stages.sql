-- RFM personas by lifecycle stage (seed 004): the customers as of $1 of each persona in each
-- recency tertile. Parameters: dimensions.tmpl.sql.
WITH {{template "contact_dims" .}}
SELECT c.persona, c.lifecycle_stage, count(*) AS customers
FROM contact_dims c
WHERE c.is_customer
GROUP BY 1, 2
