package analytics

import "testing"

// The trend's range and comparison are read in two transactions; an account that exists in only
// one of them must neither shift the other accounts' counts nor lose the comparison's length.
func TestAppendFollowerCounts(t *testing.T) {
	c := func(n int64) followerCounts { return followerCounts{New: followerGroup{Followers: n}} }
	cur := []followerSeries{
		{ID: "1", Name: "Alpha", Counts: []followerCounts{c(1), c(2)}},
		{ID: "3", Name: "Gamma", Counts: []followerCounts{c(5), c(6)}}, // added after prev was read
	}
	prev := []followerSeries{
		{ID: "2", Name: "Beta", Counts: []followerCounts{c(9), c(9)}}, // deleted before cur was read
		{ID: "1", Name: "Alpha (renamed)", Counts: []followerCounts{c(3), c(4)}},
	}
	got := appendFollowerCounts(cur, prev, 2)
	want := [][]int64{{1, 2, 3, 4}, {5, 6, 0, 0}}
	if len(got) != len(want) {
		t.Fatalf("got %d series, want %d", len(got), len(want))
	}
	for i, s := range got {
		if s.ID != cur[i].ID || s.Name != cur[i].Name {
			t.Errorf("series %d is %s %q, want %s %q", i, s.ID, s.Name, cur[i].ID, cur[i].Name)
		}
		if len(s.Counts) != len(want[i]) {
			t.Fatalf("series %s has %d counts, want %d", s.ID, len(s.Counts), len(want[i]))
		}
		for j, n := range want[i] {
			if s.Counts[j].New.Followers != n {
				t.Errorf("series %s count %d = %d, want %d", s.ID, j, s.Counts[j].New.Followers, n)
			}
		}
	}
	if cur[0].Counts[0].New.Followers != 1 || len(cur[0].Counts) != 2 {
		t.Error("cur was modified")
	}
}
