-- The model inputs as of $1 (sql/clv.tmpl.sql) of the customers with a valid order in [$4, $1):
-- the customer report's scope, whose predicted CLV it sums. Parameters: $1 as_of, $2 the shop's
-- time zone, $3 the local day of as_of's last instant, $4 the start of the period. A customer id
-- with no customers row is in the scope, as in the report's other key metrics (its prediction
-- comes from the model fitted on the contacts): no orphan test, which cost 0.2 s at 1M.
WITH clv_params AS NOT MATERIALIZED (
    SELECT $1::timestamptz AS as_of, $2::text AS tz, $3::date AS end_day, $4::timestamptz AS since
),
{{template "clv_orders_scope" .}},
{{template "clv_summaries" "scope"}}
SELECT customer_id::text, x, tx_days, t_days, repeat_value::float8
FROM clv_summaries
