-- Revenue by RFM persona (seed 004): the customers as of $1 of each persona, with their valid
-- orders and revenue before $1. Parameters: dimensions.tmpl.sql.
WITH {{template "contact_dims" .}}
SELECT c.persona, count(*) AS customers, sum(c.orders)::bigint AS orders, sum(c.revenue)::float8 AS revenue
FROM contact_dims c
WHERE c.is_customer
GROUP BY 1
