package analytics

// StartsFirst reports whether a query of queryType and view should start before the other
// queries of its request. A request's queries share a bounded pool on few cores: started in
// panel order, a query that is one long statement on one core can start last and then run alone
// at the end. Measured on the Buyers dashboard at 1M customers (docs/performance.md,
// twenty-first round): the products ranking (one statement, 1.3-1.4 s alone) is its longest,
// and started first the whole request takes 2.5-2.9 s instead of 2.8-3.2 s. Its other queries
// are shorter or split into one statement per period. A whole-request order learned from the
// queries' earlier durations was tried and did worse (those durations are of runs beside the
// other panels, and they reorder every request).
func StartsFirst(queryType, view string) bool {
	return queryType == "buyers" && view == BuyersProducts
}
