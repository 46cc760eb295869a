-- Every customer's model inputs as of $1 (sql/clv.tmpl.sql), for customer ids of any type (text,
-- uuid, ...): clv_customers.sql with no id range. Parameters: $1 as_of, $2 the shop's time zone,
-- $3 the local day of as_of's last instant.
WITH clv_params AS NOT MATERIALIZED (
    SELECT $1::timestamptz AS as_of, $2::text AS tz, $3::date AS end_day
),
{{template "clv_orders" .}},
{{template "clv_summaries" .}}
SELECT customer_id::text, x, tx_days, t_days, repeat_value::float8
FROM clv_summaries
