package analytics

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// profileDimension is one way to describe a group of customers. expr is a fixed SQL expression
// over customers c, the group row grp and the periods row p; values lists every value in display
// order (nil: order by size).
type profileDimension struct {
	Name string
	Expr string
	// Join is a fixed join the expression needs (one row per group customer at most).
	Join   string
	Social bool // needs the social relations
	// Columns, on profileColumns alone, are the dimensions one statement counts at once.
	Columns []profileDimension
	values  []string
	label   string
}

// ageBands are SPEC's age bands; age is the year of the period's end (shop time) minus the
// birth year, the most a birth year tells.
var ageBands = []string{"under 18", "18–24", "25–34", "35–44", "45–54", "55+", "unknown"}

var profileDimensions = map[string]profileDimension{
	"age_band": {Name: "age_band", label: "Age band", values: ageBands, Expr: `CASE
        WHEN c.birth_year IS NULL THEN 'unknown'
        WHEN p.ref_year - c.birth_year < 18 THEN 'under 18'
        WHEN p.ref_year - c.birth_year < 25 THEN '18–24'
        WHEN p.ref_year - c.birth_year < 35 THEN '25–34'
        WHEN p.ref_year - c.birth_year < 45 THEN '35–44'
        WHEN p.ref_year - c.birth_year < 55 THEN '45–54'
        ELSE '55+'
    END`},
	"gender": {Name: "gender", label: "Gender", values: []string{"female", "male", "other", "unknown"},
		Expr: `coalesce(c.gender, 'unknown')`},
	"device_price_band": {Name: "device_price_band", label: "Device price",
		// width_bucket gives 0 below the first edge, i for [edge i, edge i+1), n at or above the last.
		Expr: `CASE WHEN c.device_price IS NULL THEN 'unknown' ELSE width_bucket(c.device_price, p.device_edges)::text END`},
	"country": {Name: "country", label: "Country", Expr: `coalesce(c.country, 'unknown')`},
	"region": {Name: "region", label: "Region",
		Expr: `CASE WHEN c.region IS NULL THEN 'unknown' ELSE coalesce(c.country || ' / ', '') || c.region END`},
	"follower_status": {Name: "follower_status", label: "Follower status", Social: true,
		values: []string{"new follower", "active follower", "other follower", "non-follower"},
		// Each customer of the group tested against the period's follower sets (follower_sets in
		// followers.tmpl.sql), not joined to every follower's state.
		Expr: `CASE WHEN grp.customer_id IN (SELECT n.customer_id FROM new_follows n) THEN 'new follower'
            WHEN grp.customer_id IN (SELECT cf.customer_id FROM current_follows cf) THEN
                CASE WHEN grp.customer_id IN (SELECT v.customer_id FROM period_views v) THEN 'active follower' ELSE 'other follower' END
            ELSE 'non-follower' END`},
	"video_preference": {Name: "video_preference", label: "Video category", Social: true},
	"buyer_status": {Name: "buyer_status", label: "Buyer status",
		values: []string{"new buyer", "repeat buyer", "non-purchasing"},
		Join:   `LEFT JOIN classified_buyers cb ON cb.customer_id = grp.customer_id`,
		Expr:   `CASE WHEN cb.customer_id IS NULL THEN 'non-purchasing' WHEN cb.is_repeat THEN 'repeat buyer' ELSE 'new buyer' END`},
}

// profileColumns counts every dimension read from the customer row alone in one statement: the
// group and its customer rows are most of a profile's cost, and a dashboard shows the same group
// by several of them (docs/performance.md, twelfth round).
var profileColumns = profileDimension{Name: "customer_columns", Columns: []profileDimension{
	profileDimensions["age_band"], profileDimensions["gender"], profileDimensions["device_price_band"],
	profileDimensions["country"], profileDimensions["region"],
}}

// isColumn tells whether profileColumns counts d.
func (d profileDimension) isColumn() bool {
	for _, c := range profileColumns.Columns {
		if c.Name == d.Name {
			return true
		}
	}
	return false
}

// profileStatements expands a profile statement once per dimension it offers, in both forms.
func profileStatements(name string, dims ...string) map[string]twoWays {
	out := map[string]twoWays{}
	for _, d := range dims {
		dim := profileDimensions[d]
		out[d] = expandTwoWays(name, dim)
	}
	return out
}

// dimensionNames lists the dimensions of stmts and dims, sorted, for an error message.
func dimensionNames(stmts map[string]twoWays, dims ...profileDimension) string {
	names := make([]string, 0, len(stmts)+len(dims))
	for n := range stmts {
		names = append(names, n)
	}
	for _, d := range dims {
		names = append(names, d.Name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// deviceBandLabels names the width_bucket results for the shop's device-price edges.
func (s Shop) deviceBandLabels() []string {
	e := s.DevicePriceEdges
	labels := make([]string, 0, len(e)+2)
	if len(e) == 0 {
		return []string{"unknown"}
	}
	if e[0] > 0 {
		labels = append(labels, fmt.Sprintf("0–%g", e[0]))
	} else {
		labels = append(labels, fmt.Sprintf("below %g", e[0]))
	}
	for i := 0; i+1 < len(e); i++ {
		labels = append(labels, fmt.Sprintf("%g–%g", e[i], e[i+1]))
	}
	labels = append(labels, fmt.Sprintf("%g+", e[len(e)-1]), "unknown")
	return labels
}

// profileCounts are a profile statement's counts by dimension and value, and its text.
type profileCounts struct {
	counts map[string]map[string]int64
	sql    string
}

// queryProfile runs a profile statement of dim (one dimension, or profileColumns) and returns its
// counts. merged runs the history form without hash joins.
func (e *Engine) queryProfile(ctx context.Context, what string, stmt twoWays, p Period, dim profileDimension, merged bool, args ...any) (profileCounts, error) {
	res := profileCounts{counts: map[string]map[string]int64{}}
	err := e.db.Read(ctx, func(tx database.Tx) error {
		var err error
		if res.sql, err = stmt.pickOne(ctx, tx, p); err != nil {
			return err
		}
		if merged && res.sql == stmt.history {
			if err := withoutHashJoins(ctx, tx); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, res.sql, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, v, n := dim.Name, "", int64(0)
			if dim.Columns != nil {
				err = rows.Scan(&d, &v, &n)
			} else {
				err = rows.Scan(&v, &n)
			}
			if err != nil {
				return err
			}
			if res.counts[d] == nil {
				res.counts[d] = map[string]int64{}
			}
			res.counts[d][v] += n
		}
		return rows.Err()
	})
	if err != nil {
		return profileCounts{}, explain(what, err)
	}
	return res, nil
}

// runProfile runs a profile statement of one dimension and returns its table frame.
func (e *Engine) runProfile(ctx context.Context, what, frameName string, stmt twoWays, p Period, dim profileDimension, merged bool, args ...any) (*data.Frame, error) {
	res, err := e.queryProfile(ctx, what, stmt, p, dim, merged, args...)
	if err != nil {
		return nil, err
	}
	return e.profileFrame(frameName, dim, res.counts[dim.Name], res.sql), nil
}

// profileFrame is a profile's table frame: the dimension's values (all of a closed set, in their
// order; otherwise by size, unknown last), their count and share. counts is not changed (a
// shared statement's counts serve several frames).
func (e *Engine) profileFrame(frameName string, dim profileDimension, counts map[string]int64, sql string) *data.Frame {
	var total int64
	for _, n := range counts {
		total += n
	}
	values := dim.values
	if dim.Name == "device_price_band" {
		labels := e.shop.deviceBandLabels()
		named := map[string]int64{}
		for k, n := range counts {
			if k == "unknown" {
				named[k] += n
				continue
			}
			var i int
			fmt.Sscan(k, &i)
			named[labels[i]] += n
		}
		counts, values = named, labels
	}
	if values == nil {
		for v := range counts {
			values = append(values, v)
		}
		sort.Slice(values, func(i, j int) bool {
			a, b := values[i], values[j]
			if (a == "unknown") != (b == "unknown") {
				return b == "unknown"
			}
			if counts[a] != counts[b] {
				return counts[a] > counts[b]
			}
			return a < b
		})
	}
	unit, countName, countLabel := "short", "customers", "Customers"
	if dim.Name == "video_preference" {
		countName, countLabel = "views", "Content views"
	}
	f := newFrameBuilder(frameName)
	val := f.str(dim.Name, dim.label)
	cnt := f.int(countName, countLabel, unit)
	share := f.ratio("share", "Share", "percentunit")
	for _, v := range values {
		val.Append(v)
		cnt.Append(counts[v])
		share.Append(ratio(float64(counts[v]), float64(total)))
	}
	return f.frame(sql)
}
