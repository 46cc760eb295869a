{{/*
Shared definitions of SPEC §4 Followers, included by the statements that need them.
"periods" must be defined before with (period, period_from, period_to, accounts), accounts being
the ids (as text) of the account set A, empty for all accounts.

  current follows: the follows of an account in A current at the period's end (a follow without an
                   account, where the shop's table allows one, is no account's): started before it
                   and not ended before it (unfollowed_at is null or not before the end: "as of t"
                   reads rows before t)
  followers at t:  customers with a current follow at t
  new followers:   followers at the period's end with a current follow that started in the period
  active followers: followers at the period's end, not new, who viewed content of an account in A
                   during the period
Viewers are found with one scan of the period's views (content_views_viewed_at), not one probe per
follower, unless there are too many to hash (content_views_customer_viewed_at then).
*/}}
{{define "current_follows_rows"}}
    SELECT p.period, f.account_id, f.customer_id, f.followed_at, f.source, f.content_id
    FROM periods p
    JOIN follows f
      ON f.followed_at < p.period_to
     AND (f.unfollowed_at IS NULL OR f.unfollowed_at >= p.period_to)
     AND f.account_id IS NOT NULL
     AND (cardinality(p.accounts) = 0 OR f.account_id::text = ANY (p.accounts))
{{- end}}
{{define "current_follows"}}
current_follows AS ({{template "current_follows_rows"}}
)
{{end}}
{{/*
The groups as sets to test customers against, for a statement with one period that needs
one group (or a group's state per customer), without grouping every follow per customer:
  current_follows  (inlined: each use is its own scan of follows, cheaper than a stored copy)
  new_follows      the current follows that started in the period: their customers are the new
                   followers
  period_views     the period's views of content of an account in A
A customer is a follower with a row in current_follows, new with one in new_follows, and active
when a follower, not new, with a row in period_views. The tests are IN and NOT EXISTS, or NOT IN
over a set without nulls (a null customer id would turn NOT IN to unknown). Measured at 1M
customers against grouping every follow per customer and joining the states: the active
followers' sources 1.1 -> 0.6 s, the content they viewed 1.1 -> 0.4 s.
*/}}
{{define "follower_sets"}}
current_follows AS NOT MATERIALIZED ({{template "current_follows_rows"}}
),
new_follows AS (
    SELECT cf.customer_id, cf.source, cf.content_id
    FROM current_follows cf
    JOIN periods p USING (period)
    WHERE cf.followed_at >= p.period_from
),
period_views AS (
    SELECT v.customer_id, v.content_id
    FROM periods p
    JOIN content_views v ON v.viewed_at >= p.period_from AND v.viewed_at < p.period_to
    JOIN content ct ON ct.content_id = v.content_id
    WHERE cardinality(p.accounts) = 0 OR ct.account_id::text = ANY (p.accounts)
)
{{- end}}
