-- Whether orders has a valid, non-partial btree index led by store_id (indexes.sql's
-- orders_store_id, or the shop's own): list_stores_walk.sql needs one, or each of its steps would
-- scan every order.
SELECT EXISTS (
    SELECT 1
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam AND am.amname = 'btree'
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
    WHERE i.indrelid = 'orders'::regclass
      AND a.attname = 'store_id'
      AND i.indisvalid
      AND i.indpred IS NULL
)
