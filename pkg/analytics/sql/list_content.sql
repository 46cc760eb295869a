-- Videos and LIVEs, newest first, optionally of some accounts ($1 ids as text, empty for all).
SELECT content_id::text AS value, title || ' (' || kind || ', ' || to_char(published_at, 'YYYY-MM-DD') || ')' AS text
FROM content
WHERE cardinality($1::text[]) = 0 OR account_id::text = ANY ($1::text[])
ORDER BY published_at DESC, content_id
LIMIT 1000
