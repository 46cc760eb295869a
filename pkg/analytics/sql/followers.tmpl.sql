{{/*
Shared definitions of SPEC §4 Followers, included by the statements that need them.
"periods" must be defined before with (period, period_from, period_to, accounts), accounts being
the ids (as text) of the account set A, empty for all accounts.

  followers at t:  customers with a follow of an account in A that started before t and had not
                   ended at t (unfollowed_at is null or not before t: "as of t" reads rows before t)
  new followers:   followers at the period's end whose current follow started in the period
  active followers: followers at the period's end, not new, who viewed content of an account in A
                   during the period
*/}}
{{define "current_followers"}}
current_followers AS (
    SELECT p.period,
           f.customer_id,
           bool_or(f.followed_at >= p.period_from) AS is_new
    FROM periods p
    JOIN follows f
      ON f.followed_at < p.period_to
     AND (f.unfollowed_at IS NULL OR f.unfollowed_at >= p.period_to)
     AND (cardinality(p.accounts) = 0 OR f.account_id::text = ANY (p.accounts))
    GROUP BY p.period, f.customer_id
),
follower_states AS (
    SELECT cf.period,
           cf.customer_id,
           CASE
               WHEN cf.is_new THEN 'new'
               WHEN EXISTS (
                   SELECT 1
                   FROM content_views v
                   JOIN content ct ON ct.content_id = v.content_id
                   WHERE v.customer_id = cf.customer_id
                     AND v.viewed_at >= p.period_from
                     AND v.viewed_at < p.period_to
                     AND (cardinality(p.accounts) = 0 OR ct.account_id::text = ANY (p.accounts))
               ) THEN 'active'
               ELSE 'other'
           END AS state
    FROM current_followers cf
    JOIN periods p USING (period)
)
{{end}}
