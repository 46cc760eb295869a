-- Indexes the Customer Analytics queries rely on. Create them after a bulk load (faster), or with
-- CREATE INDEX CONCURRENTLY on a live shop. The health check names any that are missing.

SET search_path TO commerce;

-- Period scans of valid orders (buyers, events, trends): index-only over the period's rows.
CREATE INDEX IF NOT EXISTS orders_valid_placed_at ON orders (placed_at) INCLUDE (customer_id, total, order_id, content_id) WHERE is_valid;
-- Per-customer history (first order, previous order, look-back): one index range per customer.
CREATE INDEX IF NOT EXISTS orders_valid_customer_placed_at ON orders (customer_id, placed_at) INCLUDE (total) WHERE is_valid;
-- Orders attempted per customer (segment breakdowns): the few invalid orders only.
CREATE INDEX IF NOT EXISTS orders_invalid_customer_placed_at ON orders (customer_id, placed_at) WHERE NOT is_valid;
-- Covering, so products per period read no heap pages.
CREATE INDEX IF NOT EXISTS order_items_order_id ON order_items (order_id) INCLUDE (product_id, quantity, unit_price);
CREATE INDEX IF NOT EXISTS customers_created_at ON customers (created_at);
-- The stores variable: a walk over the few store ids instead of a scan of every order.
CREATE INDEX IF NOT EXISTS orders_store_id ON orders (store_id);

CREATE INDEX IF NOT EXISTS content_account_id ON content (account_id);
CREATE INDEX IF NOT EXISTS follows_account_followed_at ON follows (account_id, followed_at);
CREATE INDEX IF NOT EXISTS follows_customer_id ON follows (customer_id);
CREATE INDEX IF NOT EXISTS content_views_viewed_at ON content_views (viewed_at) INCLUDE (customer_id, content_id);
-- A customer's views of a period: the followers statements' viewer test when the period's viewers
-- are too many to hash (a year at a shop bigger than the 1M demo).
CREATE INDEX IF NOT EXISTS content_views_customer_viewed_at ON content_views (customer_id, viewed_at) INCLUDE (content_id);
CREATE INDEX IF NOT EXISTS email_events_customer_occurred_at ON email_events (customer_id, occurred_at);

ANALYZE customers, orders, order_items, products, accounts, content, follows, content_views, email_events;
