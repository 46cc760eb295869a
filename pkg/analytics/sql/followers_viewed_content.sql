-- Content of the accounts in A ranked by the active followers who viewed it in the period (SPEC §4
-- Followers, channels frequented by active followers), with those followers' views of it.
-- $1, $2 the period; $3 the ids of A as text (empty: all accounts); $4 content kind ('' for
-- both); $5 top N. Ties rank by content id.
WITH periods AS NOT MATERIALIZED (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::text[] AS accounts
),
{{template "current_followers"}}
SELECT ct.content_id::text, ct.title, ct.kind, coalesce(a.name, ''),
       count(DISTINCT v.customer_id) AS active_followers, count(*) AS views
FROM follower_states fs
JOIN content_views v
  ON v.customer_id = fs.customer_id
 AND v.viewed_at >= $1
 AND v.viewed_at < $2
JOIN content ct ON ct.content_id = v.content_id
LEFT JOIN accounts a ON a.account_id = ct.account_id
WHERE fs.state = 'active'
  AND (cardinality($3::text[]) = 0 OR ct.account_id::text = ANY ($3::text[]))
  AND ($4 = '' OR ct.kind = $4)
GROUP BY ct.content_id, ct.title, ct.kind, a.name
ORDER BY active_followers DESC, ct.content_id
LIMIT $5
