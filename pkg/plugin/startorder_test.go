package plugin

import (
	"reflect"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// The products ranking starts before the other queries of its request; the others, and any
// query whose JSON cannot be read, keep their panel order.
func TestStartOrder(t *testing.T) {
	q := func(ref, queryType, js string) backend.DataQuery {
		return backend.DataQuery{RefID: ref, QueryType: queryType, JSON: []byte(js)}
	}
	qs := []backend.DataQuery{
		q("A", "buyers", `{"view":"summary"}`),
		q("B", "buyers", `{"view":"profile","dimension":"gender"}`),
		q("C", "buyers", `{"view":`),
		q("D", "buyers", `{"view":"products","topN":20}`),
		q("E", "audience_growth", `{"view":"products"}`),
		q("F", "buyers", `{"view":"products","rankBy":"new"}`),
	}
	var got []string
	for _, q := range startOrder(qs) {
		got = append(got, q.RefID)
	}
	if want := []string{"D", "F", "A", "B", "C", "E"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("start order %v, want %v", got, want)
	}
	if len(startOrder(nil)) != 0 {
		t.Fatal("no queries, no order")
	}
}
