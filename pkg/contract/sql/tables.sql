-- The commerce contract: the relations the Customer Analytics datasource reads.
--
-- Run it as is to start from scratch:   psql "$DSN" -f tables.sql -f indexes.sql
-- or map an existing shop onto it with CREATE VIEW commerce.<name> AS SELECT ... (same column names).
-- Ids may be bigint, text or uuid as long as each id has one type everywhere.
-- No foreign keys on purpose: shops often map partial exports or views, and COPY loads are faster
-- without per-row checks. docs/contract.md describes every column.

CREATE SCHEMA IF NOT EXISTS commerce;
SET search_path TO commerce;

-- Required ---------------------------------------------------------------------------------------

-- Every person the shop knows (a contact). created_at: when the shop first knew them.
CREATE TABLE customers (
    customer_id  bigint PRIMARY KEY,
    created_at   timestamptz NOT NULL,
    birth_year   integer,
    gender       text CHECK (gender IN ('female', 'male', 'other')),
    country      text,            -- ISO 3166-1 alpha-2
    region       text,
    city         text,
    device_price numeric(10, 2),  -- price of the customer's phone, shop currency
    email_opt_in boolean
);

-- One row per attempted order. Only is_valid orders count, except in "orders attempted".
CREATE TABLE orders (
    order_id        bigint PRIMARY KEY,
    customer_id     bigint NOT NULL,
    placed_at       timestamptz NOT NULL,
    is_valid        boolean NOT NULL,
    total           numeric(12, 2) NOT NULL,
    channel         text,         -- 'live' | 'video' | 'product_card' | 'storefront' | 'email' | other
    content_id      bigint,       -- the LIVE or video that brought the sale
    store_id        text,
    source_medium   text,
    source_name     text,
    source_campaign text,
    source_domain   text,
    device_type     text,
    coupon_code     text
);

CREATE TABLE order_items (
    order_id   bigint NOT NULL,
    product_id bigint NOT NULL,
    quantity   integer NOT NULL,
    unit_price numeric(12, 2) NOT NULL
);

CREATE TABLE products (
    product_id bigint PRIMARY KEY,
    name       text NOT NULL,
    category   text,
    attributes jsonb NOT NULL DEFAULT '{}'
);

-- Optional: social ---------------------------------------------------------------------------------

CREATE TABLE accounts (
    account_id bigint PRIMARY KEY,
    name       text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('official', 'channel'))
);

CREATE TABLE content (
    content_id   bigint PRIMARY KEY,
    account_id   bigint NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('video', 'live')),
    title        text NOT NULL,
    category     text,            -- content category, used for "video preferences"
    published_at timestamptz NOT NULL
);

-- One row per follow episode: a re-follow is a new row.
CREATE TABLE follows (
    account_id    bigint NOT NULL,
    customer_id   bigint NOT NULL,
    followed_at   timestamptz NOT NULL,
    unfollowed_at timestamptz,    -- NULL while the follow lasts
    source        text,           -- 'video' | 'live' | 'product_card' | 'profile' | other
    content_id    bigint          -- the video or LIVE the follow came from, when there is one
);

CREATE TABLE content_views (
    customer_id bigint NOT NULL,
    content_id  bigint NOT NULL,
    viewed_at   timestamptz NOT NULL
);

-- Optional: email ----------------------------------------------------------------------------------

CREATE TABLE email_events (
    customer_id bigint NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('sent', 'open', 'click')),
    occurred_at timestamptz NOT NULL
);
