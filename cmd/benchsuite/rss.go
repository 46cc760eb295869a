package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
)

// rssBench builds the plugin binary (./pkg), starts it over gRPC the way Grafana does (as
// BenchmarkPluginMemory in pkg/rss_bench_test.go does), sends the dashboard request warm-up + runs
// times (cache off) and reads the process's peak resident memory (VmHWM).
func rssBench(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "benchsuite-plugin-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "gpx_customer_analytics")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./pkg")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build the plugin: %v\n%s", err, out)
	}
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig: goplugin.HandshakeConfig{
			ProtocolVersion:  grpcplugin.ProtocolVersion,
			MagicCookieKey:   grpcplugin.MagicCookieKey,
			MagicCookieValue: grpcplugin.MagicCookieValue,
		},
		Plugins:          map[string]goplugin.Plugin{"data": &grpcplugin.DataGRPCPlugin{}},
		Cmd:              exec.Command(bin),
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		StartTimeout:     30 * time.Second,
		Logger:           hclog.New(&hclog.LoggerOptions{Level: hclog.Error, Output: io.Discard}),
	})
	defer client.Kill()
	rpc, err := client.Client()
	if err != nil {
		return fmt.Errorf("plugin handshake: %w", err)
	}
	raw, err := rpc.Dispense("data")
	if err != nil {
		return err
	}
	dc := raw.(grpcplugin.DataClient)
	pid := client.ReattachConfig().Pid
	js, err := pluginSettings(o.dsn, map[string]any{"cacheTTLSeconds": 0, "statementTimeoutSeconds": o.timeout})
	if err != nil {
		return err
	}
	pc := backend.PluginContext{OrgID: 1, PluginID: "storelens-customeranalytics-datasource",
		DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{ID: 1, UID: "bench", Name: "Customer Analytics", JSONData: js,
			DecryptedSecureJSONData: map[string]string{}, Updated: time.Now()}}
	panels, err := dashboardPanels(o.dashboard, o.end)
	if err != nil {
		return err
	}
	req := backend.ToProto().QueryDataRequest(&backend.QueryDataRequest{PluginContext: pc, Queries: dashboardRequest(panels)})
	t := measure(ctx, o.runs, o.budget*2, func() error {
		resp, err := dc.QueryData(ctx, req)
		if err != nil {
			return err
		}
		for ref, r := range resp.Responses {
			if r.Error != "" {
				return fmt.Errorf("%s: %s", ref, r.Error)
			}
		}
		return nil
	})
	if t.err != nil {
		return t.err
	}
	hwm, err := peakRSSMB(pid)
	if err != nil {
		return err
	}
	mark := "ok"
	if hwm >= rssTargetMB {
		mark = "OVER"
	}
	fmt.Printf("== Plugin binary over gRPC (the dashboard request above, cache off, %d runs + warm-up): p50 %s ms, p95 %s ms; peak RSS (VmHWM) %.0f MB   target < 100 MB: %s\n",
		len(t.runs), ms(t.p(0.5)), ms(t.p(0.95)), hwm, mark)
	return nil
}

func peakRSSMB(pid int) (float64, error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("no /proc status for the plugin: %w", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return float64(kb) / 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/%d/status", pid)
}
