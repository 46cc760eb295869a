-- Reference SQL for query type followers, view profile (group new, dimension buyer_status), all accounts; range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- New followers (a follow current at the period's end started in it) as buyers of the period:
-- new buyer (a valid order in the period, none in the 365 days before it), repeat buyer, or
-- non-purchasing. Every status, even with 0 followers.
-- args: from, to, lookback_from

-- $1 from, $2 to, $3 from - 365 days
WITH new_followers AS (
  SELECT DISTINCT customer_id FROM commerce.follows
  WHERE account_id IS NOT NULL AND followed_at >= $1 AND followed_at < $2
    AND (unfollowed_at IS NULL OR unfollowed_at >= $2)
), buyers AS (
  SELECT customer_id, bool_or(placed_at < $1) AS is_repeat
  FROM commerce.orders
  WHERE is_valid AND placed_at >= $3 AND placed_at < $2
  GROUP BY customer_id
  HAVING bool_or(placed_at >= $1)
), statuses AS (
  SELECT CASE WHEN b.customer_id IS NULL THEN 'non-purchasing'
              WHEN b.is_repeat THEN 'repeat buyer' ELSE 'new buyer' END AS buyer_status
  FROM new_followers f
  LEFT JOIN buyers b USING (customer_id)
)
SELECT k.buyer_status,
       count(s.buyer_status) AS customers,
       count(s.buyer_status)::float8 / (SELECT count(*) FROM statuses) AS share
FROM (VALUES ('new buyer'), ('repeat buyer'), ('non-purchasing')) AS k (buyer_status)
LEFT JOIN statuses s USING (buyer_status)
GROUP BY 1
ORDER BY 1;
