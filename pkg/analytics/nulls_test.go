package analytics_test

import (
	"context"
	"testing"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
)

// The contract does not promise order_items.product_id or quantity are set (SPEC §2): a line
// without a product counts as the product "unknown product" (id empty), and a product whose every
// quantity is NULL sells 0 units (and ranks last), instead of failing the popular products.
func TestPopularProductsWithNulls(t *testing.T) {
	// Segment lifecycle_status = active as of 1 Jul 2026: c1, c4, c5, c8; their valid orders in
	// June: 1 and 2 (c1), 13 (c5), 21 (c8).
	db := fixtureSQL(t, segmentsFixture+`
ALTER TABLE order_items ALTER COLUMN product_id DROP NOT NULL, ALTER COLUMN quantity DROP NOT NULL;
INSERT INTO products (product_id, name, category) VALUES (100, 'Lipstick', 'beauty');
INSERT INTO order_items (order_id, product_id, quantity, unit_price) VALUES
    (1, 100, 2, 50), (1, NULL, 1, 30), (2, 101, NULL, 10), (13, 101, NULL, 10), (21, NULL, 3, 10);`)
	env := newSegmentsEnv(t)
	e := analytics.New(db, analytics.DefaultShop())
	t.Cleanup(e.Close)
	f := first(t)(e.AudienceGrowth(context.Background(), analytics.AudienceQuery{View: "popular_products", Dimension: "lifecycle_status", Segment: "active"}, env.p, 0))
	wantColumn(t, f, "product_id", []any{"", "100", "101"})
	wantColumn(t, f, "product", []any{"unknown product", "Lipstick", "101"})
	wantColumn(t, f, "category", []any{"unknown", "beauty", "unknown"})
	wantColumn(t, f, "units", []any{int64(4), int64(2), int64(0)})
	wantColumn(t, f, "customers", []any{int64(2), int64(1), int64(2)})
	wantColumn(t, f, "revenue", []any{60.0, 100.0, 0.0})

	// The buyers' products ranking of the same June, by revenue: Lipstick 100, the lines without a
	// product 30 + 30, product 101 nothing.
	b := first(t)(e.Buyers(context.Background(), analytics.BuyersQuery{View: "products"}, env.p, 0))
	wantColumn(t, b, "product_id", []any{"100", "", "101"})
	wantColumn(t, b, "product", []any{"Lipstick", "unknown product", "101"})
	wantColumn(t, b, "units", []any{int64(2), int64(4), int64(0)})
	wantColumn(t, b, "revenue", []any{100.0, 60.0, 0.0})
	wantColumn(t, b, "buyers", []any{int64(1), int64(2), int64(2)})
}
