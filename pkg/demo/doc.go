// Package demo generates a realistic, deterministic demo shop in the commerce contract and loads
// it into PostgreSQL, so that the datasource, its dashboards, its benchmarks and its tests have
// believable data to show: a social-commerce shop with a growing audience, seasonal sales, LIVEs
// and videos that bring orders and followers, and email campaigns.
//
// # What it looks like
//
// Contacts arrive over the history (Config.Years before Config.End) at a growing pace, with ids
// roughly in order of arrival. About 15 % are leads who never order; demographics have unknowns
// (birth year ~12 %, gender ~5 %, country ~3 %, device price ~10 %, email opt-in ~5 % NULL).
// Buyers follow a Pareto/NBD-like process: a first order a few days after becoming a contact, then
// repeat purchases as a Poisson process with a gamma-distributed rate per customer until a
// per-customer dropout time (a quarter never come back). Orders follow the shop's rhythms in its
// time zone: a November/December peak with a Black Friday weekend, a summer dip, busier weekends,
// quiet nights and an evening peak. Order ids increase with placed_at, as a shop's checkout
// sequence gives them (the seconds since the history's start, then the customer id), so a period's
// orders and their lines lie in one range of ids. About 5 % of orders are invalid. Spend is long-tailed (a
// lognormal basket per customer, steered by their phone's price, times per-order noise), and an
// order's total is always the sum of its lines. LIVE and video orders name content of that kind
// published before the order, preferably from an account the buyer follows.
//
// About 40 % of contacts follow one or more of the five accounts (one official, four channels);
// ~20 % of follow episodes end, and some of those come back as a new episode. Followers watch the
// content of the accounts they follow while they follow them; some others watch now and then.
// Opted-in contacts receive a campaign every other Tuesday over the last ~7 months, each reaching
// about half of them, and open and click with their own propensities.
//
// # Size
//
// Per contact, on average: 1 customers row, ~10 orders, ~18 order_items, ~0.7 follows,
// ~3.2 content_views and ~3.8 email_events, ~37 rows in all; shop-wide tables are small (~410
// products, 5 accounts, ~7,000 content items over three years). 100k contacts are ~3.7 M rows
// (about 20 s to load on two cores); 1M contacts are ~37 M rows. Nothing is held in memory beyond
// one customer and the shop-wide tables, so the size is bounded by the database, not the loader.
//
// # Determinism
//
// The same Config gives the same rows, byte for byte: every random draw comes from a PCG stream
// keyed by (seed, purpose, customer id), nothing reads the clock, and nothing depends on map order
// or scheduling. Each table's loader regenerates just the part of each customer it needs from
// those streams, which is what lets Load stream every table with COPY one customer at a time.
package demo
