{{/*
Customer dimensions as of a moment (SPEC §4 "Customer dimensions"): one row per contact, with the
figures of their valid orders before that moment and every dimension derived from them.
docs/segments.md describes each column in words.

Every segment statement takes the same parameters, all bound (the "params" row):
  $1  as_of          the period's end: only rows before it count
  $2  annual_from    as_of − 365 local days (annual orders and revenue)
  $3  new_from       as_of − 30 local days (audience state "new")
  $4  email_from     as_of − 180 local days (email engagement)
  $5  at-risk and $6 lapsed thresholds, in whole days of 24 hours
  $7  value-band edges (AOV ratios, ascending)    $8  RFM scale
  $9  persona of each R×F cell: (r − 1) × scale + f, from personas.go
  $10 reference year of ages                     $11 device-price band edges
The statement is expanded with a segmentSQL (segments.go): .Attempted adds orders attempted,
.Annual the valid orders and revenue of the 365 days before as_of,
.Email() the email engagement (email_events), .FirstOrder() the first valid order's channel and
store (history form: carried by every order_history row; orders form: one probe per customer), .Days (history form) each customer's purchase days and first day's revenue, predicted CLV's
inputs. Nothing else varies, and no user text reaches the SQL.

Cost: one scan of the valid orders before as_of, in (customer_id, placed_at) order straight from
orders_valid_customer_placed_at, numbers each customer's orders (for the second order) and groups
them by customer; then one join with customers (merge joins for the statements queryMerged runs). The quantile scores are windows over the
contacts (PARTITION BY is_customer, so leads never take a score). Statements reference
contact_dims once, so PostgreSQL inlines the chain and drops every column, window and join a
statement does not use: a gender breakdown sorts nothing, a snapshot numbers no orders.
With the optional order_history kept by its triggers (the history form), each customer's figures
come from their last row before as_of (and before annual_from): one row per customer is read
instead of every order, and for as_of after a customer's last order (most customers, when as_of
is recent) that row comes from the index order_history_current without visiting the table.
*/}}
{{define "contact_stats" -}}
{{template "dimension_params"}},
{{- template "contact_orders" .}}
{{- end}}

{{define "dimension_params" -}}
-- NOT MATERIALIZED on purpose: referenced by every CTE, it must still be inlined so that its
-- values are constants the planner sees (index conditions, estimates), not a one-row scan to join.
params AS NOT MATERIALIZED (
    SELECT $1::timestamptz AS as_of,
           $2::timestamptz AS annual_from,
           $3::timestamptz AS new_from,
           $4::timestamptz AS email_from,
           make_interval(hours => 24 * $5::int) AS at_risk,
           make_interval(hours => 24 * $6::int) AS lapsed,
           $7::numeric[] AS value_edges,
           $8::int AS rfm_scale,
           $9::text[] AS persona_grid,
           $10::int AS ref_year,
           $11::numeric[] AS device_edges
)
{{- end}}

{{define "last_row_figures" -}}
h.customer_id,
           (h.earlier_orders + 1)::bigint AS orders,
           h.earlier_revenue + h.total AS revenue,
           h.first_placed_at AS first_at,
           CASE WHEN h.earlier_orders >= 1 THEN h.second_placed_at END AS second_at,
           h.placed_at AS last_at
{{- if .Days}},
           h.purchase_days, h.first_day_revenue
{{- end}}
{{- if .FirstOrder}},
           h.first_channel, h.first_store_id AS first_store
{{- end}}
{{- end}}

{{define "contact_orders"}}
{{- if history}}
-- Each customer's valid orders before as_of, from their last row of order_history before it (the
-- one whose next order is at or after as_of, or that has none): their count and revenue until
-- then, their first order, and their second if it came before as_of. Two parts, so that the rows
-- with no next order come from the partial index order_history_current alone (history.sql). The
-- settled form, for an as_of after every order (twoWays.settle), reads the first part alone.
last_rows AS (
    SELECT {{template "last_row_figures" .}}
    FROM params p
    JOIN order_history h ON h.next_placed_at IS NULL AND h.placed_at < p.as_of
{{- if not settled}}
    UNION ALL
    SELECT {{template "last_row_figures" .}}
    FROM params p
    JOIN order_history h ON h.next_placed_at >= p.as_of AND h.placed_at < p.as_of
{{- end}}
),
{{- if .Annual}}
-- The orders before annual_from, for the customers who ordered in the 365 days before as_of and
-- before them too: from their first row of those 365 days (the one whose previous order is
-- before annual_from), whose earlier_orders and earlier_revenue count exactly those orders. The
-- orders of the year are the difference; a customer with no such row has either no order in the
-- year (last_at before annual_from: none) or none before it (all of them). This reads the same
-- scan as the row current at annual_from did, but keeps about half as many rows (200k against
-- 436k at 1M), so the hash is half as big. At most one row per customer; grouped all the same,
-- because PostgreSQL then knows it and estimates the joins right (without, it estimated few rows
-- and chose worse plans, measured); max, not sum: the same value with a smaller state. The
-- statements run with merge joins (queryMerged in history.go).
year_start_rows AS (
    SELECT h.customer_id, max(h.earlier_orders) AS orders, max(h.earlier_revenue) AS revenue
    FROM params p
    JOIN order_history h ON h.placed_at >= p.annual_from AND h.placed_at < p.as_of AND h.previous_placed_at < p.annual_from
    GROUP BY h.customer_id
),
{{- end}}
-- One row per customer: their whole history of valid orders before as_of. NOT MATERIALIZED: the
-- quantile scores may read it too (ScoresApart), and each reference must keep only its columns.
order_stats AS NOT MATERIALIZED (
    SELECT l.customer_id, l.orders, l.revenue, l.first_at, l.second_at, l.last_at
{{- if .Annual}},
           l.last_at >= p.annual_from AS in_year
{{- end}}
{{- if .Days}},
           l.purchase_days, l.first_day_revenue
{{- end}}
{{- if .FirstOrder}},
           l.first_channel, l.first_store
{{- end}}
    FROM last_rows l
{{- if .Annual}}
    CROSS JOIN params p
{{- end}}
),
{{- else}}
-- Each valid order before as_of, numbered within its customer's history (1: first, 2: second).
numbered_orders AS (
    SELECT o.customer_id, o.placed_at, o.total,
           row_number() OVER (PARTITION BY o.customer_id ORDER BY o.placed_at) AS nth
    FROM params p
    JOIN orders o ON o.is_valid AND o.placed_at < p.as_of
),
-- One row per customer: their whole history of valid orders before as_of.
order_stats AS (
    SELECT o.customer_id,
           count(*) AS orders,
           sum(o.total) AS revenue,
           min(o.placed_at) AS first_at,
           min(o.placed_at) FILTER (WHERE o.nth = 2) AS second_at,
           max(o.placed_at) AS last_at
{{- if .Annual}},
           count(*) FILTER (WHERE o.placed_at >= p.annual_from) AS annual_orders,
           coalesce(sum(o.total) FILTER (WHERE o.placed_at >= p.annual_from), 0) AS annual_revenue
{{- end}}
    FROM numbered_orders o
    CROSS JOIN params p
    GROUP BY o.customer_id
),
{{- end}}
{{- if .Attempted}}
-- Invalid orders before as_of (cancelled, failed, fraud, test): they count in orders attempted only.
invalid_orders AS (
    SELECT o.customer_id, count(*) AS invalid_orders
    FROM params p
    JOIN orders o ON NOT o.is_valid AND o.placed_at < p.as_of
    GROUP BY o.customer_id
),
{{- end}}
{{- if .Email}}
-- Email in the 180 days before as_of: emails sent, and opens plus clicks. Referenced twice (the
-- contacts and the shop's rate): materialized on purpose, so email_events is read once.
email_stats AS MATERIALIZED (
    SELECT e.customer_id,
           count(*) FILTER (WHERE e.kind = 'sent') AS sent,
           count(*) FILTER (WHERE e.kind IN ('open', 'click')) AS engaged
    FROM params p
    JOIN email_events e ON e.occurred_at >= p.email_from AND e.occurred_at < p.as_of
    GROUP BY e.customer_id
),
-- The shop's engagement rate: all opens and clicks over all emails sent, over every recipient sent
-- any, contact or not (docs/segments.md: matching them to the contacts cost the breakdown 0.6 s at 1M).
shop_email AS (
    SELECT coalesce(sum(sent), 0) AS sent, coalesce(sum(engaged), 0) AS engaged
    FROM email_stats
    WHERE sent > 0
),
{{- end}}
-- The contacts as of as_of: customers rows the shop knew before it (created_at), and any with a
-- valid order before it. A customer is a contact with a valid order; the others are leads.
contact_stats AS (
    SELECT c.customer_id, c.created_at, c.birth_year, c.gender, c.country, c.region, c.city,
           c.device_price, c.email_opt_in,
           s.customer_id IS NOT NULL AS is_customer,
           coalesce(s.orders, 0) AS orders,
           coalesce(s.revenue, 0) AS revenue,
           s.first_at, s.second_at, s.last_at
{{- if and history .Annual}},
           CASE WHEN s.in_year THEN s.orders - coalesce(y.orders, 0) ELSE 0 END AS annual_orders,
           CASE WHEN s.in_year THEN s.revenue - coalesce(y.revenue, 0) ELSE 0 END AS annual_revenue
{{- else if .Annual}},
           coalesce(s.annual_orders, 0) AS annual_orders,
           coalesce(s.annual_revenue, 0) AS annual_revenue
{{- end}}
{{- if .Attempted}},
           coalesce(s.orders, 0) + coalesce(i.invalid_orders, 0) AS attempted_orders
{{- end}}
{{- if and history .Days}},
           s.purchase_days, s.first_day_revenue
{{- end}}
{{- if and history .FirstOrder}},
           s.first_channel,
           s.first_store
{{- else if .FirstOrder}},
           fo.channel AS first_channel,
           fo.store_id AS first_store
{{- end}}
{{- if .Email}},
           coalesce(em.sent, 0) AS email_sent,
           coalesce(em.engaged, 0) AS email_engaged,
           se.sent AS shop_email_sent,
           se.engaged AS shop_email_engaged
{{- end}}
    FROM params p
    JOIN customers c ON true
    LEFT JOIN order_stats s ON s.customer_id = c.customer_id
{{- if and history .Annual}}
    -- Joined to the customers, not to each customer's last row: the inner side of each merge
    -- join is then a scan (or a grouping, unique by its key), never a join, which PostgreSQL
    -- would first copy into a Materialize of 827k rows at 1M (breakdown by gender in psql,
    -- 2026-12-03: median 4.3 -> 3.7 s over 11 interleaved pairs).
    LEFT JOIN year_start_rows y ON y.customer_id = c.customer_id
{{- end}}
{{- if .Attempted}}
    LEFT JOIN invalid_orders i ON i.customer_id = c.customer_id
{{- end}}
{{- if and (not history) .FirstOrder}}
    -- The first valid order (ties at the same instant: the lowest order id): one probe of
    -- orders_valid_customer_placed_at per customer. The history form reads its channel and store
    -- from the customer's last row instead (first_channel, first_store_id): the breakdown by first-order channel 7.1-7.3 -> 2.5-2.7 s at 1M.
    LEFT JOIN LATERAL (
        SELECT f.channel, f.store_id::text AS store_id
        FROM orders f
        WHERE f.customer_id = s.customer_id
          AND f.is_valid
          AND f.placed_at = s.first_at
        ORDER BY f.order_id
        LIMIT 1
    ) fo ON true
{{- end}}
{{- if .Email}}
    LEFT JOIN email_stats em ON em.customer_id = c.customer_id
    CROSS JOIN shop_email se
{{- end}}
    WHERE c.created_at < p.as_of OR s.customer_id IS NOT NULL
)
{{- end}}

{{define "contact_dims" -}}
{{template "contact_stats" .}},
-- Quantile scores among customers (leads: NULL). ntile gives the lowest scores one customer more
-- when the count does not divide. Ties (same last order, order count or revenue) are ordered by
-- customer id descending: on a tie the lower id takes the higher score.
{{- if .ScoresApart}}
-- For the breakdown by a score and the RFM score distribution (ScoresApart), from each
-- customer's order figures alone, joined to the contacts after: the windows sort these narrow
-- rows, not the contacts' whole rows (121 bytes at 1M, each sort spilled to disk): persona
-- breakdown 9.3 -> 7.8 s, scores 3.4 -> 2.7 s at 1M (docs/performance.md).
-- The customers are the contacts with a valid order, so those with a customers row.
customer_scores AS (
    SELECT s.customer_id,
           ntile(p.rfm_scale) OVER (ORDER BY s.last_at, s.customer_id DESC) AS r_score,
           ntile(p.rfm_scale) OVER (ORDER BY s.orders, s.customer_id DESC) AS f_score,
           ntile(p.rfm_scale) OVER (ORDER BY s.revenue, s.customer_id DESC) AS m_score,
           ntile(3) OVER (ORDER BY s.last_at, s.customer_id DESC) AS stage_score
    FROM order_stats s
    CROSS JOIN params p
    WHERE EXISTS (SELECT FROM customers c WHERE c.customer_id = s.customer_id)
),
{{- end}}
contact_scores AS (
    SELECT cs.*,
{{- if .ScoresApart}}
           sc.r_score, sc.f_score, sc.m_score, sc.stage_score,
{{- else}}
           CASE WHEN cs.is_customer THEN ntile(p.rfm_scale) OVER (PARTITION BY cs.is_customer ORDER BY cs.last_at, cs.customer_id DESC) END AS r_score,
           CASE WHEN cs.is_customer THEN ntile(p.rfm_scale) OVER (PARTITION BY cs.is_customer ORDER BY cs.orders, cs.customer_id DESC) END AS f_score,
           CASE WHEN cs.is_customer THEN ntile(p.rfm_scale) OVER (PARTITION BY cs.is_customer ORDER BY cs.revenue, cs.customer_id DESC) END AS m_score,
           CASE WHEN cs.is_customer THEN ntile(3) OVER (PARTITION BY cs.is_customer ORDER BY cs.last_at, cs.customer_id DESC) END AS stage_score,
{{- end}}
           sum(cs.revenue) OVER () AS shop_revenue,
           sum(cs.orders) OVER () AS shop_orders
    FROM contact_stats cs
{{- if .ScoresApart}}
    LEFT JOIN customer_scores sc ON sc.customer_id = cs.customer_id
{{- end}}
    CROSS JOIN params p
),
contact_dims AS (
    SELECT d.*,
           -- Durations in days of 24 hours, with fractions (float8: averages need no more).
           date_part('epoch', p.as_of - d.last_at) / 86400 AS recency_days,
           CASE WHEN d.is_customer THEN greatest(date_part('epoch', d.first_at - d.created_at), 0) / 86400 END AS first_order_delay_days,
           date_part('epoch', d.second_at - d.first_at) / 86400 AS second_order_delay_days,
           -- recency < at-risk: active; at-risk ≤ recency < lapsed: at risk; recency ≥ lapsed: lapsed.
           CASE WHEN NOT d.is_customer THEN 'lead'
                WHEN d.last_at > p.as_of - p.at_risk THEN 'active'
                WHEN d.last_at > p.as_of - p.lapsed THEN 'at risk'
                ELSE 'lapsed'
           END AS lifecycle_status,
           CASE d.stage_score WHEN 3 THEN 'Active' WHEN 2 THEN 'Lapsing' WHEN 1 THEN 'Inactive' ELSE 'lead' END AS lifecycle_stage,
           CASE WHEN NOT d.is_customer THEN 'lead'
                WHEN d.orders = 1 THEN 'one-time'
                WHEN d.orders = 2 THEN 'repeat'
                WHEN d.orders <= 4 THEN 'loyal'
                ELSE 'very loyal'
           END AS frequency_band,
           -- The customer's AOV over the shop's, compared without division (exact in numeric):
           -- low < edge 1 ≤ medium ≤ edge 2 < high ≤ edge 3 < very high.
           CASE WHEN NOT d.is_customer THEN 'lead'
                WHEN d.revenue * d.shop_orders < p.value_edges[1] * d.orders * d.shop_revenue THEN 'low'
                WHEN d.revenue * d.shop_orders <= p.value_edges[2] * d.orders * d.shop_revenue THEN 'medium'
                WHEN d.revenue * d.shop_orders <= p.value_edges[3] * d.orders * d.shop_revenue THEN 'high'
                ELSE 'very high'
           END AS value_band,
           CASE WHEN d.is_customer THEN p.persona_grid[(d.r_score - 1) * p.rfm_scale + d.f_score] ELSE 'lead' END AS persona,
           CASE WHEN NOT d.is_customer THEN 'lead'
                WHEN d.first_at >= p.new_from THEN 'new'
                WHEN d.last_at > p.as_of - p.at_risk THEN 'active'
                WHEN d.last_at > p.as_of - p.lapsed THEN 'slipping away'
                ELSE 'lost'
           END AS audience_state
{{- if .Email}},
           -- rate = engaged / sent against the shop's rate R, without division:
           -- low < R/2 ≤ medium ≤ 3R/2 < high.
           CASE WHEN d.email_sent = 0 THEN 'unknown'
                WHEN d.email_engaged = 0 THEN 'none'
                WHEN 2 * d.email_engaged * d.shop_email_sent < d.shop_email_engaged * d.email_sent THEN 'low'
                WHEN 2 * d.email_engaged * d.shop_email_sent <= 3 * d.shop_email_engaged * d.email_sent THEN 'medium'
                ELSE 'high'
           END AS email_engagement
{{- end}}
    FROM contact_scores d
    CROSS JOIN params p
)
{{- end}}
