-- Videos and LIVEs, newest first: of every account, or of some ($1 ids as text) with .Accounts.
--   * The newest 1000 are picked before their text is made: to_char of a timestamptz costs
--     enough that making it for the 1000 shown rather than every row of content took the list
--     from 6.8 to 4.0 ms at 1M customers (6,907 videos and LIVEs).
--   * Every account's list binds nothing, so PostgreSQL plans it once per connection and keeps
--     the plan; a statement with parameters is planned at every run under the plugin's
--     force_custom_plan (pkg/database).
--   * The contract does not promise a title, a kind or a date: without a title the text is the
--     id, and a missing kind or date is left out of the parentheses (none: no parentheses);
--     undated content comes last.
SELECT n.content_id::text AS value,
       coalesce(n.title, n.content_id::text)
           || coalesce(' (' || nullif(concat_ws(', ', n.kind, to_char(n.published_at, 'YYYY-MM-DD')), '') || ')', '') AS text
FROM (
    SELECT content_id, title, kind, published_at
    FROM content
{{- if .Accounts}}
    WHERE account_id::text = ANY ($1::text[])
{{- end}}
    ORDER BY published_at DESC NULLS LAST, content_id
    LIMIT 1000
) n
ORDER BY n.published_at DESC NULLS LAST, n.content_id
