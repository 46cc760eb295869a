-- The social accounts, for "select account" variables: value = id, text = name (kind). The
-- contract does not promise a name or a kind: without a name the text is the id, without a kind
-- it has no "(kind)"; unnamed accounts come last.
SELECT account_id::text AS value,
       coalesce(name, account_id::text) || coalesce(' (' || kind || ')', '') AS text
FROM accounts
ORDER BY name NULLS LAST, account_id
