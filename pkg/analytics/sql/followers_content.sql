-- Videos and LIVEs ranked by the new followers they brought (SPEC §4 Followers, channels): the
-- distinct customers whose follow of an account in A, current at the period's end, started in the
-- period from that content (follows.content_id). Every such customer is a new follower.
-- $1, $2 the period; $3 the ids of A as text (empty: all accounts); $4 content kind ('' for
-- both); $5 top N. Ties rank by content id.
WITH periods AS NOT MATERIALIZED (
    SELECT 1 AS period, $1::timestamptz AS period_from, $2::timestamptz AS period_to, $3::text[] AS accounts
),
{{template "follower_sets"}}
SELECT ct.content_id::text, ct.title, ct.kind, coalesce(a.name, ''),
       count(DISTINCT n.customer_id) AS new_followers
FROM new_follows n
JOIN content ct ON ct.content_id = n.content_id
LEFT JOIN accounts a ON a.account_id = ct.account_id
WHERE ($4 = '' OR ct.kind = $4)
GROUP BY ct.content_id, ct.title, ct.kind, a.name
ORDER BY new_followers DESC, ct.content_id
LIMIT $5
