-- The social accounts, for "select account" variables: value = id, text = name (kind).
SELECT account_id::text AS value, name || ' (' || kind || ')' AS text
FROM accounts
ORDER BY name, account_id
