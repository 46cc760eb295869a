package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/requestshare"
)

// queryType answers the queries of one type: handle runs one, keys are the options its JSON
// model reads (jsonKeys).
type queryType struct {
	handle func(ctx context.Context, q backend.DataQuery) (data.Frames, error)
	keys   map[string]string
}

// typed makes the queryType whose options are the JSON model T: the query JSON is decoded into a
// T and given to run with the query (its range and interval).
func typed[T any](run func(ctx context.Context, opts T, q backend.DataQuery) (data.Frames, error)) queryType {
	return queryType{
		handle: func(ctx context.Context, q backend.DataQuery) (data.Frames, error) {
			var opts T
			if err := decode(q, &opts); err != nil {
				return nil, err
			}
			return run(ctx, opts, q)
		},
		keys: jsonKeys(reflect.TypeOf((*T)(nil)).Elem()),
	}
}

// queryTypes maps each query type to its handler; the mux routes on the query's queryType.
func (d *Datasource) queryTypes() map[string]queryType {
	// The closures read d.engine when they run: routes() is built before the engine is.
	return map[string]queryType{
		"audience_growth": typed(func(ctx context.Context, o analytics.AudienceQuery, q backend.DataQuery) (data.Frames, error) {
			return d.engine.AudienceGrowth(ctx, o, period(q), q.Interval)
		}),
		"buyers": typed(func(ctx context.Context, o analytics.BuyersQuery, q backend.DataQuery) (data.Frames, error) {
			return d.engine.Buyers(ctx, o, period(q), q.Interval)
		}),
		"clv": typed(func(ctx context.Context, o analytics.CLVQuery, q backend.DataQuery) (data.Frames, error) {
			return d.engine.CLV(ctx, o, period(q))
		}),
		"customer_events": typed(func(ctx context.Context, o analytics.EventsQuery, q backend.DataQuery) (data.Frames, error) {
			return d.engine.CustomerEvents(ctx, o, period(q), q.Interval)
		}),
		"customers": typed(func(ctx context.Context, o analytics.CustomersQuery, q backend.DataQuery) (data.Frames, error) {
			return d.engine.Customers(ctx, o, period(q), q.Interval)
		}),
		"followers": typed(func(ctx context.Context, o analytics.FollowersQuery, q backend.DataQuery) (data.Frames, error) {
			return d.engine.Followers(ctx, o, period(q), q.Interval)
		}),
		"personas": typed(func(ctx context.Context, o analytics.PersonasQuery, q backend.DataQuery) (data.Frames, error) {
			return d.engine.Personas(ctx, o, period(q))
		}),
		"segments": typed(func(ctx context.Context, o analytics.SegmentsQuery, q backend.DataQuery) (data.Frames, error) {
			return d.engine.Segments(ctx, o, period(q))
		}),
		"value_bands": typed(func(ctx context.Context, o analytics.ValueBandsQuery, q backend.DataQuery) (data.Frames, error) {
			return d.engine.ValueBands(ctx, o, period(q))
		}),
		"variables": typed(func(ctx context.Context, o analytics.ListQuery, q backend.DataQuery) (data.Frames, error) {
			return d.engine.ListFrame(ctx, o, period(q))
		}),
	}
}

func (d *Datasource) routes() *datasource.QueryTypeMux {
	mux := datasource.NewQueryTypeMux()
	types := d.queryTypes()
	names := make([]string, 0, len(types))
	for name, t := range types {
		names = append(names, name)
		mux.HandleFunc(name, d.each(name, t))
	}
	sort.Strings(names)
	known := strings.Join(names, ", ")
	// The fallback answers queries whose type is empty or unknown, each with its own error.
	mux.HandleFunc("", func(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
		resp := backend.NewQueryDataResponse()
		for _, q := range req.Queries {
			msg := fmt.Sprintf("unknown query type %q: choose one of %s in the query editor", q.QueryType, known)
			if q.QueryType == "" {
				msg = "the query has no query type: choose one of " + known + " in the query editor"
			}
			resp.Responses[q.RefID] = backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, msg)
		}
		return resp, nil
	})
	return mux
}

// QueryData answers every query of the request; one failing query fails alone. The queries run
// concurrently (at most as many as the pool has connections), so a dashboard's request takes about
// as long as its slowest query rather than their sum.
func (d *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	// The queries of this request share the computations they have in common (the engine asks
	// requestshare for them), for as long as the request lasts.
	ctx = requestshare.With(ctx, func(string) { d.shared.Add(1) })
	resp := backend.NewQueryDataResponse()
	if len(req.Queries) == 1 {
		return d.mux.QueryData(ctx, req)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, d.parallelism())
	for _, q := range startOrder(req.Queries) {
		wg.Add(1)
		slots <- struct{}{}
		go func(q backend.DataQuery) {
			defer wg.Done()
			defer func() { <-slots }()
			one := *req
			one.Queries = []backend.DataQuery{q}
			r, err := d.mux.QueryData(ctx, &one)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				resp.Responses[q.RefID] = backend.ErrDataResponseWithSource(backend.StatusInternal, backend.ErrorSourcePlugin, err.Error())
				return
			}
			for ref, res := range r.Responses {
				resp.Responses[ref] = res
			}
		}(q)
	}
	wg.Wait()
	return resp, nil
}

// startOrder returns the queries in the order to start them: the ones the engine says should
// start first (analytics.StartsFirst), then the others, each group in panel order.
func startOrder(qs []backend.DataQuery) []backend.DataQuery {
	first := make([]bool, len(qs))
	for i, q := range qs {
		var v struct {
			View string `json:"view"`
		}
		// Malformed JSON starts in its place; its handler explains the error.
		if json.Unmarshal(q.JSON, &v) == nil {
			first[i] = analytics.StartsFirst(q.QueryType, v.View)
		}
	}
	out := make([]backend.DataQuery, 0, len(qs))
	for _, early := range []bool{true, false} {
		for i, q := range qs {
			if first[i] == early {
				out = append(out, q)
			}
		}
	}
	return out
}

// parallelism is how many queries of one request run at once: the pool size.
func (d *Datasource) parallelism() int {
	if n := int(d.settings.DB.MaxConns); n > 0 {
		return n
	}
	return 1
}

// each runs h for every query of a request and turns its errors into that query's response.
func (d *Datasource) each(name string, t queryType) backend.QueryDataHandlerFunc {
	return func(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
		resp := backend.NewQueryDataResponse()
		for _, q := range req.Queries {
			resp.Responses[q.RefID] = d.answer(ctx, name, t, q)
		}
		return resp, nil
	}
}

func (d *Datasource) answer(ctx context.Context, name string, t queryType, q backend.DataQuery) (res backend.DataResponse) {
	defer func() {
		// A bug in one query must not take down the plugin or the other queries.
		if r := recover(); r != nil {
			logPanic("query "+q.RefID, r)
			res = backend.ErrDataResponseWithSource(backend.StatusInternal, backend.ErrorSourcePlugin, fmt.Sprintf("internal error in query %s: %v", q.RefID, r))
		}
	}()
	if d.settingsErr != nil {
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, d.settingsErr.Error()+" (fix it in the data source settings)")
	}
	frames, err := d.cache.Get(ctx, cacheKey(q), func(ctx context.Context) (data.Frames, error) {
		d.computed.Add(1)
		return t.handle(ctx, q)
	})
	if err != nil {
		return errorResponse(err)
	}
	// The cached frames are shared: give this query copies that carry its refId.
	out := make(data.Frames, len(frames))
	for i, f := range frames {
		cp := *f
		cp.RefID = q.RefID
		out[i] = &cp
	}
	if unknown := unknownKeys(q.JSON, t.keys); len(unknown) > 0 {
		out = withNotice(out, q.RefID, unknownOptionsNotice(name, unknown, t.keys))
	}
	return backend.DataResponse{Frames: out}
}

// cacheKey identifies a query's result: its type, its options (without the fields that differ
// between panels asking the same thing), its range and interval.
func cacheKey(q backend.DataQuery) string {
	var opts map[string]any
	canonical := string(q.JSON)
	if json.Unmarshal(q.JSON, &opts) == nil {
		for _, k := range grafanaKeys {
			delete(opts, k)
		}
		if b, err := json.Marshal(opts); err == nil { // map keys come out sorted
			canonical = string(b)
		}
	}
	return fmt.Sprintf("%s\x00%s\x00%d\x00%d\x00%d", q.QueryType, canonical, q.TimeRange.From.UnixNano(), q.TimeRange.To.UnixNano(), q.Interval)
}

// errorResponse marks the user's mistakes and the database's failures as downstream errors and
// anything else as the plugin's.
func errorResponse(err error) backend.DataResponse {
	switch {
	case analytics.IsQueryError(err):
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, err.Error())
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return backend.ErrDataResponseWithSource(backend.StatusTimeout, backend.ErrorSourceDownstream, err.Error())
	case isDatabaseError(err):
		return backend.ErrDataResponseWithSource(backend.StatusBadGateway, backend.ErrorSourceDownstream, err.Error())
	}
	return backend.ErrDataResponseWithSource(backend.StatusInternal, backend.ErrorSourcePlugin, err.Error())
}

// decode parses the query JSON into the typed model v, with an error that says what is wrong.
func decode(q backend.DataQuery, v any) error {
	if err := json.Unmarshal(q.JSON, v); err != nil {
		return analytics.Invalidf("the query JSON is malformed (%v): re-create the query in the query editor", err)
	}
	return nil
}

func period(q backend.DataQuery) analytics.Period {
	return analytics.Period{From: q.TimeRange.From, To: q.TimeRange.To}
}
