-- Reference SQL for query type audience_growth, view active_history; range: as of the end of the last 30 days (only `to` matters), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- Active customers (not new: first valid order more than 30 days before t; last valid order
-- within the 182-day at-risk threshold) as of t = now (the range's end) and 1, 3, 6 and 12
-- calendar months before, with the change from each to now.
-- args: from, to

-- $2 to ($1 is not used)
WITH instants AS (
  SELECT m, CASE m WHEN 0 THEN 'now' WHEN 1 THEN '1 month ago' ELSE m || ' months ago' END AS label,
         $2::timestamptz - make_interval(months => m) AS t
  FROM unnest(ARRAY[0, 1, 3, 6, 12]) AS m
), per_instant AS (
  SELECT i.m, i.label, i.t, count(*) FILTER (WHERE x.last_order > i.t - interval '182 days' AND x.first_order < i.t - interval '30 days') AS customers
  FROM instants i
  CROSS JOIN LATERAL (
    SELECT min(placed_at) AS first_order, max(placed_at) AS last_order
    FROM commerce.orders
    WHERE is_valid AND placed_at < i.t AND $1::timestamptz IS NOT NULL
    GROUP BY customer_id
  ) x
  GROUP BY i.m, i.label, i.t
)
SELECT label, t AS as_of, customers,
       (first_value(customers) OVER (ORDER BY m) - customers)::float8 / nullif(customers, 0) AS change
FROM per_instant
ORDER BY m;
