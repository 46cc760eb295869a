-- Content of the accounts in A ranked by the active followers who viewed it in the period (SPEC §4
-- Followers, channels frequented by active followers), with those followers' views of it.
-- $1, $2 the period; $3 the ids of A as text (empty: all accounts); $4 content kind ('' for
-- both); $5 top N. Ties rank by content id.
WITH periods AS NOT MATERIALIZED (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::text[] AS accounts
),
{{template "follower_sets"}}
-- The active followers' views: the period's views of A's content by followers who are not new.
SELECT ct.content_id::text, ct.title, ct.kind, coalesce(a.name, ''),
       count(DISTINCT v.customer_id) AS active_followers, count(*) AS views
FROM period_views v
JOIN content ct ON ct.content_id = v.content_id
LEFT JOIN accounts a ON a.account_id = ct.account_id
WHERE v.customer_id IN (SELECT cf.customer_id FROM current_follows cf)
  AND NOT EXISTS (SELECT 1 FROM new_follows n WHERE n.customer_id = v.customer_id)
  AND ($4 = '' OR ct.kind = $4)
GROUP BY ct.content_id, ct.title, ct.kind, a.name
ORDER BY active_followers DESC, ct.content_id
LIMIT $5
