package plugin

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// 200 concurrent distinct requests on a pool of 5: PostgreSQL never sees more than 5 of the plugin's
// connections, every request answers (or fails clearly), and no connection stays checked out.
func TestConcurrentRequestsStayWithinThePool(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, dsn, `INSERT INTO commerce.customers (customer_id, created_at) SELECT g, '2025-01-01Z' FROM generate_series(1, 500) g;
INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total)
SELECT g, 1 + g % 500, '2026-03-02Z'::timestamptz + (g % 160) * interval '1 hour', g % 20 <> 0, 10 + g % 7 FROM generate_series(1, 5000) g;`)
	js := settingsFor(t, dsn)
	js["maxOpenConns"] = 5
	d := newInstance(t, js)

	admin, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	var peak atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stop:
				return
			default:
			}
			var n int64
			if err := admin.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'grafana-customer-analytics' AND datname = current_database()`).Scan(&n); err == nil && n > peak.Load() {
				peak.Store(n)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}()

	var wg sync.WaitGroup
	var answered, failed atomic.Int64
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			q := buyersQuery("A")
			// A range of its own per request: identical queries running at once would share one
			// computation (coalescing), and this test is about 200 requests reaching the pool.
			q.TimeRange.To = q.TimeRange.To.Add(time.Duration(i) * time.Second)
			if i%2 == 1 {
				q.JSON = []byte(`{"view":"trend","bucket":"day","comparison":"none"}`)
			}
			resp, err := d.QueryData(ctx, &backend.QueryDataRequest{Queries: []backend.DataQuery{q}})
			if err != nil {
				t.Errorf("request %d: %v", i, err)
				return
			}
			r := resp.Responses["A"]
			switch {
			case r.Error == nil && len(r.Frames) == 1 && r.Frames[0].Rows() > 0:
				answered.Add(1)
			case r.Error != nil && r.ErrorSource == backend.ErrorSourceDownstream:
				failed.Add(1)
				t.Logf("request %d failed clearly: %v", i, r.Error)
			default:
				t.Errorf("request %d: %v (source %q), %d frames", i, r.Error, r.ErrorSource, len(r.Frames))
			}
		}(i)
	}
	wg.Wait()
	close(stop)
	<-sampled
	if answered.Load() != 200 {
		t.Errorf("%d of 200 requests answered, %d failed clearly", answered.Load(), failed.Load())
	}
	if p := peak.Load(); p > 5 || p == 0 {
		t.Errorf("peak connections seen by PostgreSQL: %d, pool size 5", p)
	}
	if st := d.db.Stat(); st.AcquiredConns() != 0 || st.TotalConns() > 5 {
		t.Errorf("after the requests: %d connections checked out, %d open", st.AcquiredConns(), st.TotalConns())
	}
	t.Logf("200 requests: %d answered; peak %d connections", answered.Load(), peak.Load())
}
