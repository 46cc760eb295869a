package analytics

import (
	"regexp"
	"testing"
)

// readsScore finds the contact_dims columns computed from the quantile windows.
var readsScore = regexp.MustCompile(`\bc\.(r_score|f_score|m_score|persona|lifecycle_stage)\b`)

// TestRankedDimensionsAreMarked: the breakdown statement joins the year's first rows where its
// plan is best (dimensions.tmpl.sql), which differs for the dimensions read from the scores; a
// new dimension must say which kind it is.
func TestRankedDimensionsAreMarked(t *testing.T) {
	for name, d := range customerDimensions {
		if want := readsScore.MatchString(d.Expr); d.Ranked != want {
			t.Errorf("dimension %s: Ranked = %v, but its expression %q reads a score: %v", name, d.Ranked, d.Expr, want)
		}
	}
}
