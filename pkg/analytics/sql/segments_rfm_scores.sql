-- The RFM score distribution: customers as of $1 per recency, frequency and monetary score.
-- Parameters: dimensions.tmpl.sql.
WITH {{template "contact_dims" .}}
SELECT c.r_score, c.f_score, c.m_score, count(*) AS customers
FROM contact_dims c
WHERE c.is_customer
GROUP BY 1, 2, 3
