package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/requestshare"
)

// queryHandler answers one query of its type.
type queryHandler func(ctx context.Context, q backend.DataQuery) (data.Frames, error)

// handlers maps each query type to its handler; the mux routes on the query's queryType.
func (d *Datasource) handlers() map[string]queryHandler {
	return map[string]queryHandler{
		"audience_growth": d.audienceGrowth,
		"buyers":          d.buyers,
		"clv":             d.clv,
		"customer_events": d.customerEvents,
		"customers":       d.customers,
		"followers":       d.followers,
		"personas":        d.personas,
		"segments":        d.segments,
		"value_bands":     d.valueBands,
		"variables":       d.variables,
	}
}

func (d *Datasource) routes() *datasource.QueryTypeMux {
	mux := datasource.NewQueryTypeMux()
	hs := d.handlers()
	names := make([]string, 0, len(hs))
	for name, h := range hs {
		names = append(names, name)
		mux.HandleFunc(name, d.each(h))
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
func (d *Datasource) each(h queryHandler) backend.QueryDataHandlerFunc {
	return func(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
		resp := backend.NewQueryDataResponse()
		for _, q := range req.Queries {
			resp.Responses[q.RefID] = d.answer(ctx, h, q)
		}
		return resp, nil
	}
}

func (d *Datasource) answer(ctx context.Context, h queryHandler, q backend.DataQuery) (res backend.DataResponse) {
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
		return h(ctx, q)
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
	return backend.DataResponse{Frames: out}
}

// cacheKey identifies a query's result: its type, its options (without the fields that differ
// between panels asking the same thing), its range and interval.
func cacheKey(q backend.DataQuery) string {
	var opts map[string]any
	canonical := string(q.JSON)
	if json.Unmarshal(q.JSON, &opts) == nil {
		for _, k := range []string{"refId", "datasource", "datasourceId", "hide", "key", "intervalMs", "maxDataPoints", "queryType"} {
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

func (d *Datasource) audienceGrowth(ctx context.Context, q backend.DataQuery) (data.Frames, error) {
	var aq analytics.AudienceQuery
	if err := decode(q, &aq); err != nil {
		return nil, err
	}
	return d.engine.AudienceGrowth(ctx, aq, period(q), q.Interval)
}

func (d *Datasource) buyers(ctx context.Context, q backend.DataQuery) (data.Frames, error) {
	var bq analytics.BuyersQuery
	if err := decode(q, &bq); err != nil {
		return nil, err
	}
	return d.engine.Buyers(ctx, bq, period(q), q.Interval)
}

func (d *Datasource) customers(ctx context.Context, q backend.DataQuery) (data.Frames, error) {
	var cq analytics.CustomersQuery
	if err := decode(q, &cq); err != nil {
		return nil, err
	}
	return d.engine.Customers(ctx, cq, period(q), q.Interval)
}

func (d *Datasource) customerEvents(ctx context.Context, q backend.DataQuery) (data.Frames, error) {
	var eq analytics.EventsQuery
	if err := decode(q, &eq); err != nil {
		return nil, err
	}
	return d.engine.CustomerEvents(ctx, eq, period(q), q.Interval)
}

func (d *Datasource) followers(ctx context.Context, q backend.DataQuery) (data.Frames, error) {
	var fq analytics.FollowersQuery
	if err := decode(q, &fq); err != nil {
		return nil, err
	}
	return d.engine.Followers(ctx, fq, period(q), q.Interval)
}

func (d *Datasource) variables(ctx context.Context, q backend.DataQuery) (data.Frames, error) {
	var lq analytics.ListQuery
	if err := decode(q, &lq); err != nil {
		return nil, err
	}
	return d.engine.ListFrame(ctx, lq, period(q))
}

func (d *Datasource) segments(ctx context.Context, q backend.DataQuery) (data.Frames, error) {
	var sq analytics.SegmentsQuery
	if err := decode(q, &sq); err != nil {
		return nil, err
	}
	return d.engine.Segments(ctx, sq, period(q))
}

func (d *Datasource) clv(ctx context.Context, q backend.DataQuery) (data.Frames, error) {
	var cq analytics.CLVQuery
	if err := decode(q, &cq); err != nil {
		return nil, err
	}
	return d.engine.CLV(ctx, cq, period(q))
}

func (d *Datasource) valueBands(ctx context.Context, q backend.DataQuery) (data.Frames, error) {
	var vq analytics.ValueBandsQuery
	if err := decode(q, &vq); err != nil {
		return nil, err
	}
	return d.engine.ValueBands(ctx, vq, period(q))
}

func (d *Datasource) personas(ctx context.Context, q backend.DataQuery) (data.Frames, error) {
	var pq analytics.PersonasQuery
	if err := decode(q, &pq); err != nil {
		return nil, err
	}
	return d.engine.Personas(ctx, pq, period(q))
}
