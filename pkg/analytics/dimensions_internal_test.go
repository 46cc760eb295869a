package analytics

import (
	"sort"
	"strings"
	"testing"
)

// TestRankedDimensions: the breakdown by a dimension read from the quantile scores computes them
// apart (ScoresApart, dimensions.tmpl.sql); Ranked is derived from each expression, and these are
// the ones it must find.
func TestRankedDimensions(t *testing.T) {
	var got []string
	for name, d := range customerDimensions {
		if d.Ranked {
			got = append(got, name)
		}
	}
	sort.Strings(got)
	want := "frequency_score lifecycle_stage monetary_score persona recency_score"
	if strings.Join(got, " ") != want {
		t.Errorf("ranked dimensions = %v, want %s", got, want)
	}
}
