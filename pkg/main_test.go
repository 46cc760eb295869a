package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	goplugin "github.com/hashicorp/go-plugin"
	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// pluginClient starts the built plugin binary the way Grafana does: go-plugin's handshake over
// gRPC, with the datasource magic cookie.
func pluginClient(t testing.TB) (grpcplugin.DataClient, grpcplugin.DiagnosticsClient) {
	d, h, _ := startPlugin(t)
	return d, h
}

// startPlugin also returns the plugin process id.
func startPlugin(t testing.TB) (grpcplugin.DataClient, grpcplugin.DiagnosticsClient, int) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gpx_customer_analytics")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build plugin: %v\n%s", err, out)
	}
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig: goplugin.HandshakeConfig{
			ProtocolVersion:  grpcplugin.ProtocolVersion,
			MagicCookieKey:   grpcplugin.MagicCookieKey,
			MagicCookieValue: grpcplugin.MagicCookieValue,
		},
		Plugins: map[string]goplugin.Plugin{
			"data":        &grpcplugin.DataGRPCPlugin{},
			"diagnostics": &grpcplugin.DiagnosticsGRPCPlugin{},
		},
		Cmd:              exec.Command(bin),
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		StartTimeout:     30 * time.Second,
	})
	t.Cleanup(client.Kill)
	rpc, err := client.Client()
	if err != nil {
		t.Fatalf("plugin handshake: %v", err)
	}
	d, err := rpc.Dispense("data")
	if err != nil {
		t.Fatal(err)
	}
	h, err := rpc.Dispense("diagnostics")
	if err != nil {
		t.Fatal(err)
	}
	return d.(grpcplugin.DataClient), h.(grpcplugin.DiagnosticsClient), client.ReattachConfig().Pid
}

// instance is the plugin context Grafana sends for a datasource pointing at dsn.
func instance(t testing.TB, dsn string, extra map[string]any) backend.PluginContext {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	js := map[string]any{"host": cfg.Host, "port": cfg.Port, "database": cfg.Database, "user": cfg.User,
		"sslMode": "disable", "timeZone": "Europe/Berlin", "currency": "EUR"}
	for k, v := range extra {
		js[k] = v
	}
	raw, _ := json.Marshal(js)
	return backend.PluginContext{
		OrgID:    1,
		PluginID: "storelens-customeranalytics-datasource",
		DataSourceInstanceSettings: &backend.DataSourceInstanceSettings{
			ID: 1, UID: "ca-test-" + cfg.Database, Name: "Customer Analytics", JSONData: raw,
			DecryptedSecureJSONData: map[string]string{"password": ""}, Updated: time.Now(),
		},
	}
}

func TestThroughGRPC(t *testing.T) {
	dsn := pgtest.NewContractDatabase(t)
	// Berlin shop; period = 1 June 2026 local day. c1 new (first order), c2 repeat (ordered in May),
	// c3 only an invalid order, c4 ordered at 23:30 UTC on 31 May = 01:30 on 1 June in Berlin.
	pgtest.Exec(t, dsn, `
INSERT INTO commerce.customers (customer_id, created_at) VALUES (1, '2026-01-01Z'), (2, '2026-01-01Z'), (3, '2026-01-01Z'), (4, '2026-01-01Z');
INSERT INTO commerce.orders (order_id, customer_id, placed_at, is_valid, total) VALUES
 (1, 1, '2026-06-01 10:00+02', true, 30.50),
 (2, 2, '2026-05-10 10:00+02', true, 99),
 (3, 2, '2026-06-01 12:00+02', true, 20),
 (4, 3, '2026-06-01 12:00+02', false, 1000),
 (5, 4, '2026-05-31 23:30Z', true, 9.5)`)
	data, diag := pluginClient(t)
	ctx := context.Background()
	pc := instance(t, dsn, nil)

	health, err := diag.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: backend.ToProto().PluginContext(pc)})
	if err != nil {
		t.Fatal(err)
	}
	if health.Status != pluginv2.CheckHealthResponse_OK || !strings.Contains(health.Message, "PostgreSQL 15") || !strings.Contains(health.Message, "social: yes") {
		t.Fatalf("health %v: %s", health.Status, health.Message)
	}

	berlin, _ := time.LoadLocation("Europe/Berlin")
	day := backend.TimeRange{From: time.Date(2026, 6, 1, 0, 0, 0, 0, berlin), To: time.Date(2026, 6, 2, 0, 0, 0, 0, berlin)}
	req := &backend.QueryDataRequest{PluginContext: pc, Queries: []backend.DataQuery{
		{RefID: "A", QueryType: "buyers", TimeRange: day, JSON: []byte(`{"queryType":"buyers","view":"summary","comparison":"none"}`)},
		{RefID: "B", QueryType: "nonsense", TimeRange: day, JSON: []byte(`{}`)},
		{RefID: "C", QueryType: "buyers", TimeRange: day, JSON: []byte(`{"view":`)},
		{RefID: "D", QueryType: "buyers", TimeRange: day, JSON: []byte(`{"view":"nope"}`)},
		{RefID: "E", QueryType: "followers", TimeRange: day, JSON: []byte(`{"view":"summary"}`)},
		{RefID: "F", QueryType: "variables", TimeRange: day, JSON: []byte(`{"list":"accounts"}`)},
		{RefID: "G", QueryType: "buyers", TimeRange: day, JSON: []byte(`{"view":"trend","bucket":"hour","comparison":"none"}`)},
		{RefID: "H", QueryType: "customers", TimeRange: day, JSON: []byte(`{"view":"new_vs_existing","comparison":"none"}`)},
		{RefID: "I", QueryType: "customer_events", TimeRange: day, JSON: []byte(`{"view":"summary","comparison":"none"}`)},
		{RefID: "J", QueryType: "segments", TimeRange: day, JSON: []byte(`{"dimension":"lifecycle_status"}`)},
		{RefID: "K", QueryType: "value_bands", TimeRange: day, JSON: []byte(`{}`)},
		{RefID: "L", QueryType: "personas", TimeRange: day, JSON: []byte(`{"view":"revenue"}`)},
		{RefID: "M", QueryType: "audience_growth", TimeRange: day, JSON: []byte(`{"view":"active_history"}`)},
		{RefID: "N", QueryType: "clv", TimeRange: day, JSON: []byte(`{"view":"fit"}`)},
		// A's query with options in another case (encoding/json reads them), Grafana's own keys and
		// two typos: the same figures, with a warning naming the typos.
		{RefID: "O", QueryType: "buyers", TimeRange: day, JSON: []byte(`{"refId":"O","queryType":"buyers","datasource":{"type":"x","uid":"y"},"intervalMs":60000,"maxDataPoints":100,"View":"summary","COMPARISON":"none","veiw":"trend","metirc":"repeat_rate"}`)},
	}}
	protoResp, err := data.QueryData(ctx, backend.ToProto().QueryDataRequest(req))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := backend.FromProto().QueryDataResponse(protoResp)
	if err != nil {
		t.Fatal(err)
	}
	a := resp.Responses["A"]
	if a.Error != nil || len(a.Frames) != 1 {
		t.Fatalf("A: %v, %d frames", a.Error, len(a.Frames))
	}
	f := a.Frames[0]
	got := []string{}
	for i := 0; i < f.Rows(); i++ {
		g, _ := f.ConcreteAt(0, i)
		b, _ := f.ConcreteAt(1, i)
		r, _ := f.ConcreteAt(3, i)
		got = append(got, fmt.Sprintf("%v=%v/%.2f", g, b, r))
	}
	if want := "New buyers=2/40.00 Repeat buyers=1/20.00 All buyers=3/60.00"; strings.Join(got, " ") != want {
		t.Errorf("buyers through gRPC: %s, want %s", strings.Join(got, " "), want)
	}
	if f.Fields[3].Config.Unit != "currencyEUR" || f.Meta.ExecutedQueryString == "" {
		t.Errorf("unit %q, executed SQL %d bytes", f.Fields[3].Config.Unit, len(f.Meta.ExecutedQueryString))
	}
	if n := a.Frames[0].Meta.Notices; len(n) != 0 {
		t.Errorf("A: notices %v, want none", n)
	}
	if o := resp.Responses["O"]; o.Error != nil || len(o.Frames) != 1 || o.Frames[0].Meta == nil || len(o.Frames[0].Meta.Notices) != 1 {
		t.Errorf("O: %v, frames %v", o.Error, o.Frames)
	} else {
		of := o.Frames[0]
		n := of.Meta.Notices[0]
		if n.Severity.String() != "warning" || !strings.Contains(n.Text, `buyers queries have no options "metirc", "veiw"`) || !strings.Contains(n.Text, "metric") {
			t.Errorf("O: notice %v %q", n.Severity, n.Text)
		}
		for i := 0; i < f.Rows(); i++ {
			for c := range f.Fields {
				x, _ := f.ConcreteAt(c, i)
				y, _ := of.ConcreteAt(c, i)
				if fmt.Sprint(x) != fmt.Sprint(y) {
					t.Errorf("O row %d field %d: %s, A %s", i, c, y, x)
				}
			}
		}
	}
	for _, ref := range []string{"J", "K", "L"} {
		if r := resp.Responses[ref]; r.Error != nil || len(r.Frames) != 1 || r.Frames[0].Rows() == 0 {
			t.Errorf("%s: %v, frames %v", ref, r.Error, r.Frames)
		}
	}
	for ref, rows := range map[string]int{"E": 3, "F": 0, "G": 24, "H": 3, "I": 5, "M": 5} {
		if r := resp.Responses[ref]; r.Error != nil || len(r.Frames) != 1 || r.Frames[0].Rows() != rows {
			t.Errorf("%s: %v, frames %v", ref, r.Error, r.Frames)
		}
	}
	for ref, want := range map[string]string{"B": `unknown query type "nonsense"`, "C": "malformed", "D": `unknown view "nope"`, "N": "too little order history"} {
		r := resp.Responses[ref]
		if r.Error == nil || !strings.Contains(r.Error.Error(), want) || r.ErrorSource != backend.ErrorSourceDownstream {
			t.Errorf("%s: error %v (source %q), want %q from downstream", ref, r.Error, r.ErrorSource, want)
		}
	}

	// A second datasource instance on the same plugin process, missing a column: the health check
	// names it and says how to fix it.
	broken := pgtest.NewContractDatabase(t)
	pgtest.Exec(t, broken, `ALTER TABLE commerce.orders DROP COLUMN is_valid`)
	health, err = diag.CheckHealth(ctx, &pluginv2.CheckHealthRequest{PluginContext: backend.ToProto().PluginContext(instance(t, broken, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if health.Status != pluginv2.CheckHealthResponse_ERROR || !strings.Contains(health.Message, "orders lacks column(s) is_valid") {
		t.Errorf("health on a broken contract: %v %s", health.Status, health.Message)
	}
}
