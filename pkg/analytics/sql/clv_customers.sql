-- The model inputs as of $1 (sql/clv.tmpl.sql) of the customers with integer ids in [$4, $5]: the
-- fit groups them by (x, t_x, T); the per-customer views predict each one. Parameters: $1 as_of,
-- $2 the shop's time zone, $3 the local day of as_of's last instant, $4 and $5 the first and last
-- customer id to read. clv_customers_all.sql reads every customer, for ids of any type.
WITH clv_params AS NOT MATERIALIZED (
    SELECT $1::timestamptz AS as_of, $2::text AS tz, $3::date AS end_day,
           $4::bigint AS first_customer, $5::bigint AS last_customer
),
{{template "clv_orders_range" .}},
{{template "clv_summaries" .}}
SELECT customer_id::text, x, tx_days, t_days, repeat_value::float8
FROM clv_summaries
