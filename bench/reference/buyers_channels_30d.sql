-- Reference SQL for query type buyers, view channels (LIVEs and videos, or the query's content kind; rank by all buyers' revenue, top 10); range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- args: from, to, lookback_from, content_kind

-- $1 from, $2 to, $3 = $1 - 365 days (new-buyer look-back), $4 the content kind ('live', 'video'; '' both)
WITH buyers AS (
  SELECT o.customer_id,
         EXISTS (SELECT 1 FROM commerce.orders h
                 WHERE h.customer_id = o.customer_id AND h.is_valid
                   AND h.placed_at >= $3 AND h.placed_at < $1) AS is_repeat
  FROM commerce.orders o
  WHERE o.is_valid AND o.placed_at >= $1 AND o.placed_at < $2
  GROUP BY o.customer_id
)
SELECT c.content_id::text AS content_id, c.title, c.kind, a.name AS account,
       coalesce(sum(o.total) FILTER (WHERE NOT b.is_repeat), 0) AS new_revenue,
       coalesce(sum(o.total) FILTER (WHERE b.is_repeat), 0) AS repeat_revenue,
       sum(o.total) AS revenue,
       count(DISTINCT o.customer_id) FILTER (WHERE NOT b.is_repeat) AS new_buyers,
       count(DISTINCT o.customer_id) FILTER (WHERE b.is_repeat) AS repeat_buyers,
       count(DISTINCT o.customer_id) AS buyers
FROM commerce.orders o
JOIN buyers b ON b.customer_id = o.customer_id
JOIN commerce.content c ON c.content_id = o.content_id
JOIN commerce.accounts a ON a.account_id = c.account_id
WHERE o.is_valid AND o.placed_at >= $1 AND o.placed_at < $2 AND c.kind IN ('live', 'video') AND ($4 = '' OR c.kind = $4)
GROUP BY c.content_id, c.title, c.kind, a.name
ORDER BY revenue DESC, c.content_id
LIMIT 10;
