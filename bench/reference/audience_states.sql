-- Reference SQL for query type audience_growth, view states, bucket day or week; range: any (the suite runs it on the last 30 days by day and the last 365 days by week), ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- At the end t of each bucket (weeks start on Monday; buckets clipped to the range), the
-- customers (a valid order before t) by audience state: new (first valid order in the 30 days
-- before t), active (last within the 182-day at-risk threshold), slipping away (within the
-- 385-day lapsed threshold), lost. Each customer's last order before t is the valid order whose
-- next valid order is at or after t, or that has none.
-- args: from, to, bucket

-- $1 from, $2 to, $3 the bucket ('day' or 'week')
WITH ends AS (
  SELECT least(b + ('1 ' || $3)::interval, $2) AS t
  FROM generate_series(date_trunc($3, $1::timestamptz), $2::timestamptz - interval '1 microsecond', ('1 ' || $3)::interval) AS b
), sequenced AS (
  SELECT customer_id, placed_at,
         min(placed_at) OVER (PARTITION BY customer_id) AS first_order,
         lead(placed_at) OVER (PARTITION BY customer_id ORDER BY placed_at, order_id) AS next_order
  FROM commerce.orders
  WHERE is_valid AND placed_at < $2
), states AS (
  SELECT e.t,
         CASE WHEN s.first_order >= e.t - interval '30 days' THEN 'new'
              WHEN s.placed_at > e.t - interval '182 days' THEN 'active'
              WHEN s.placed_at > e.t - interval '385 days' THEN 'slipping away'
              ELSE 'lost' END AS state
  FROM ends e
  JOIN sequenced s ON s.placed_at < e.t AND (s.next_order IS NULL OR s.next_order >= e.t)
)
SELECT e.t AS "time",
       count(s.state) FILTER (WHERE s.state = 'new') AS new,
       count(s.state) FILTER (WHERE s.state = 'active') AS active,
       count(s.state) FILTER (WHERE s.state = 'slipping away') AS slipping_away,
       count(s.state) FILTER (WHERE s.state = 'lost') AS lost
FROM ends e
LEFT JOIN states s USING (t)
GROUP BY e.t
ORDER BY 1;
