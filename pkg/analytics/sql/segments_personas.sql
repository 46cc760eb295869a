-- RFM personas (seed 004): the customers as of $1 of each persona in each lifecycle stage (the
-- recency tertile), and of each persona in all stages (stages = 1), with their valid orders and
-- revenue before $1. Both views of the personas dashboard read it: revenue by persona takes the
-- rows of all stages, personas by stage the others. One pass and two grouping sets, so each
-- persona's revenue is still one numeric sum (exact), not a sum of its stages' rounded ones.
-- The stage score is a window in the same order as the recency score's: no extra sort.
-- Parameters: dimensions.tmpl.sql.
WITH {{template "contact_dims" .}}
SELECT c.persona, coalesce(c.lifecycle_stage, '') AS stage, GROUPING(c.lifecycle_stage) AS stages,
       count(*) AS customers, sum(c.orders)::bigint AS orders, sum(c.revenue)::float8 AS revenue
FROM contact_dims c
WHERE c.is_customer
GROUP BY GROUPING SETS ((c.persona, c.lifecycle_stage), (c.persona))
