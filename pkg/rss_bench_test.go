package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// BenchmarkPluginMemory runs a dashboard's worth of queries through the built plugin binary over
// gRPC on the demo shop (BENCH_CUSTOMERS, default 100k) and reports the plugin's peak resident
// memory (VmHWM) and its latency per request.
func BenchmarkPluginMemory(b *testing.B) {
	customers := 100_000
	if n, err := strconv.Atoi(os.Getenv("BENCH_CUSTOMERS")); err == nil && n > 0 {
		customers = n
	}
	name := pgtest.DemoTemplate(b, customers, os.Stderr)
	data, _, pid := startPlugin(b)
	pc := instance(b, pgtest.WithDatabase(pgtest.AdminDSN(b), name), map[string]any{"timeZone": "UTC", "currency": "USD", "cacheTTLSeconds": 0})
	to := pgtest.DemoEnd
	month := backend.TimeRange{From: to.AddDate(0, 0, -30), To: to}
	queries := []backend.DataQuery{}
	for i, js := range []struct{ qt, js string }{
		{"buyers", `{"view":"summary"}`},
		{"buyers", `{"view":"trend","bucket":"day"}`},
		{"buyers", `{"view":"channels","contentKind":"live"}`},
		{"buyers", `{"view":"products"}`},
		{"buyers", `{"view":"profile","dimension":"age_band"}`},
		{"followers", `{"view":"summary"}`},
		{"customers", `{"view":"summary"}`},
		{"customer_events", `{"view":"orders"}`},
		{"segments", `{"dimension":"persona"}`},
		{"personas", `{"view":"by_stage"}`},
	} {
		queries = append(queries, backend.DataQuery{RefID: string(rune('A' + i)), QueryType: js.qt, JSON: []byte(js.js), TimeRange: month, Interval: 24 * time.Hour})
	}
	req := backend.ToProto().QueryDataRequest(&backend.QueryDataRequest{PluginContext: pc, Queries: queries})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := data.QueryData(context.Background(), req)
		if err != nil {
			b.Fatal(err)
		}
		for ref, r := range resp.Responses {
			if r.Error != "" {
				b.Fatalf("%s: %s", ref, r.Error)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/request")
	b.ReportMetric(peakRSSMB(b, pid), "peak-RSS-MB")
}

// peakRSSMB reads the process's high-water resident set size from /proc.
func peakRSSMB(b *testing.B, pid int) float64 {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Skipf("no /proc status for the plugin: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return float64(kb) / 1024
		}
	}
	return 0
}
