package main

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// runLoad sends rate requests per second for duration, open loop (a request starts on time whether
// or not the earlier ones have finished), each one panel's queries taken in turn from every
// provisioned dashboard, through an in-process datasource: once with the result cache at its
// default (30 s) and once with it off. Every viewer looks at the dashboards' default range (the last
// 30 days) ending at the shop's end, as viewers of the same dashboards do within a refresh.
func runLoad(ctx context.Context, o options, rate float64, duration time.Duration) error {
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(o.dashboard), "*.json"))
	var mix []panelRequest
	for _, f := range files {
		ps, err := dashboardPanels(f, o.end)
		if err != nil {
			return err
		}
		mix = append(mix, ps...)
	}
	if len(mix) == 0 {
		return fmt.Errorf("no dashboard panels in %s", filepath.Dir(o.dashboard))
	}
	fmt.Printf("\n== Load benchmark: %.1f requests/s for %s, open loop; each request one panel's queries, in turn from %d panels of %d dashboards; last 30 days to %s; default statement timeout (30 s), pool 10\n",
		rate, duration, len(mix), len(files), o.end.Format("2006-01-02"))
	fmt.Printf("%-22s %9s %9s %11s %9s %9s %9s %7s\n", "result cache", "sent", "done", "req/s", "p50 ms", "p99 ms", "max ms", "errors")
	for _, c := range []struct {
		name  string
		extra map[string]any
	}{
		{"default (30 s)", map[string]any{}},
		{"off", map[string]any{"cacheTTLSeconds": 0}},
	} {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		d, err := newDatasource(ctx, o.dsn, c.extra)
		if err != nil {
			return err
		}
		var mu sync.Mutex
		var lat []time.Duration
		errs := map[string]int{}
		var wg sync.WaitGroup
		interval := time.Duration(float64(time.Second) / rate)
		start := time.Now()
		sent := 0
		tick := time.NewTicker(interval)
	loop:
		for time.Since(start) < duration {
			p := mix[sent%len(mix)]
			sent++
			wg.Add(1)
			go func(p panelRequest) {
				defer wg.Done()
				s := time.Now()
				resp, err := d.QueryData(ctx, &backend.QueryDataRequest{Queries: p.queries})
				el := time.Since(s)
				mu.Lock()
				defer mu.Unlock()
				lat = append(lat, el)
				if err != nil {
					errs[err.Error()]++
					return
				}
				for _, r := range resp.Responses {
					if r.Error != nil {
						errs[p.title+": "+r.Error.Error()]++
						return
					}
				}
			}(p)
			select {
			case <-tick.C:
			case <-ctx.Done():
				break loop
			}
		}
		tick.Stop()
		wg.Wait()
		elapsed := time.Since(start)
		d.Dispose()
		nerr := 0
		for _, n := range errs {
			nerr += n
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		var maxLat time.Duration
		if len(lat) > 0 {
			maxLat = lat[len(lat)-1]
		}
		fmt.Printf("%-22s %9d %9d %11.2f %9s %9s %9s %7d\n", c.name, sent, len(lat), float64(len(lat)-nerr)/elapsed.Seconds(), ms(percentile(lat, 0.5)), ms(percentile(lat, 0.99)), ms(maxLat), nerr)
		for e, n := range errs {
			fmt.Printf("   %d× %.200s\n", n, e)
		}
	}
	fmt.Println("   req/s = successful requests / (sending time + draining the requests in flight)")
	return nil
}
