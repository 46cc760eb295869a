-- Reference SQL for query type buyers, view summary (comparison: previous period, look-back 365 days); range: any (the suite runs it on each range the view is benchmarked on: the last 7, 30 or 365 days), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- args: from, to, prev_from, lookback_from, prev_lookback_from

-- $1 from, $2 to, $3 previous period's from, $4 = $1 - 365 days, $5 = $3 - 365 days (new-buyer look-back)
WITH cur AS (
  SELECT o.customer_id, sum(o.total) AS revenue,
         EXISTS (SELECT 1 FROM commerce.orders h
                 WHERE h.customer_id = o.customer_id AND h.is_valid
                   AND h.placed_at >= $4 AND h.placed_at < $1) AS is_repeat
  FROM commerce.orders o
  WHERE o.is_valid AND o.placed_at >= $1 AND o.placed_at < $2
  GROUP BY o.customer_id
), prev AS (
  SELECT o.customer_id, sum(o.total) AS revenue,
         EXISTS (SELECT 1 FROM commerce.orders h
                 WHERE h.customer_id = o.customer_id AND h.is_valid
                   AND h.placed_at >= $5 AND h.placed_at < $3) AS is_repeat
  FROM commerce.orders o
  WHERE o.is_valid AND o.placed_at >= $3 AND o.placed_at < $1
  GROUP BY o.customer_id
), labelled AS (
  SELECT 'cur' AS period, CASE WHEN is_repeat THEN 'Repeat buyers' ELSE 'New buyers' END AS grp, revenue FROM cur
  UNION ALL
  SELECT 'prev', CASE WHEN is_repeat THEN 'Repeat buyers' ELSE 'New buyers' END, revenue FROM prev
), grouped AS (
  SELECT period, grp, revenue FROM labelled
  UNION ALL
  SELECT period, 'All buyers', revenue FROM labelled
)
SELECT grp AS "group",
       count(*) FILTER (WHERE period = 'cur') AS buyers,
       coalesce(sum(revenue) FILTER (WHERE period = 'cur'), 0) AS revenue,
       count(*) FILTER (WHERE period = 'cur')::float8 / (SELECT count(*) FROM cur) AS buyer_share,
       sum(revenue) FILTER (WHERE period = 'cur') / (SELECT sum(revenue) FROM cur) AS revenue_share,
       count(*) FILTER (WHERE period = 'prev') AS buyers_previous,
       coalesce(sum(revenue) FILTER (WHERE period = 'prev'), 0) AS revenue_previous
FROM grouped
GROUP BY grp
ORDER BY grp;
