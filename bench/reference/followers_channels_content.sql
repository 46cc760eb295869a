-- Reference SQL for query type followers, view channels (by content: the videos and LIVEs that brought new followers, top 10), all accounts; range: the last 30 days, ending at the shop's end (UTC).
-- Plain SQL over the contract tables, as an analyst would type it into Grafana's PostgreSQL
-- datasource (bound parameters instead of Grafana macros). The benchmark suite compares its
-- columns with the plugin frame's same-named fields (text columns are the row keys).
-- New followers (a current follow started in the period) per content of their new follows;
-- ranked by new followers, ties by content id.
-- args: from, to

-- $1 from, $2 to
SELECT ct.content_id::text AS content_id, ct.title, ct.kind, coalesce(a.name, '') AS account,
       count(DISTINCT f.customer_id) AS new_followers
FROM commerce.follows f
JOIN commerce.content ct ON ct.content_id = f.content_id
LEFT JOIN commerce.accounts a ON a.account_id = ct.account_id
WHERE f.account_id IS NOT NULL AND f.followed_at >= $1 AND f.followed_at < $2
  AND (f.unfollowed_at IS NULL OR f.unfollowed_at >= $2)
GROUP BY ct.content_id, ct.title, ct.kind, a.name
ORDER BY new_followers DESC, ct.content_id
LIMIT 10;
