package plugin

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

// A bug (a panic) in the health check or a resource call answers that call with an error that
// says what happened and what to do, instead of escaping the handler. The panics are injected
// through the seams checkContract and listOptions.
func TestPanicsInHealthAndResourcesAreRecovered(t *testing.T) {
	d := newInstance(t, settingsFor(t, pgtest.NewContractDatabase(t)))

	t.Run("health", func(t *testing.T) {
		saved := checkContract
		t.Cleanup(func() { checkContract = saved })
		checkContract = func(context.Context, contract.Reader, string) (contract.Report, error) {
			panic("injected health panic")
		}
		h, err := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if h.Status != backend.HealthStatusError {
			t.Errorf("status %v", h.Status)
		}
		for _, want := range []string{"internal error in the health check", "injected health panic", "report it"} {
			if !strings.Contains(h.Message, want) {
				t.Errorf("message %q lacks %q", h.Message, want)
			}
		}
	})

	t.Run("resource", func(t *testing.T) {
		saved := listOptions
		t.Cleanup(func() { listOptions = saved })
		listOptions = func(*analytics.Engine, context.Context, analytics.ListQuery) ([]analytics.Option, error) {
			panic("injected resource panic")
		}
		var got []*backend.CallResourceResponse
		err := d.CallResource(context.Background(), &backend.CallResourceRequest{Method: "GET", Path: "accounts", URL: "accounts"},
			backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error {
				got = append(got, r)
				return nil
			}))
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Status != 500 {
			t.Fatalf("responses %+v, want one 500", got)
		}
		var body struct{ Error string }
		if err := json.Unmarshal(got[0].Body, &body); err != nil {
			t.Fatalf("body %q: %v", got[0].Body, err)
		}
		for _, want := range []string{"internal error serving accounts", "injected resource panic", "report it"} {
			if !strings.Contains(body.Error, want) {
				t.Errorf("error %q lacks %q", body.Error, want)
			}
		}
		// The instance still serves: the next call, without the panic, answers.
		listOptions = saved
		got = nil
		if err := d.CallResource(context.Background(), &backend.CallResourceRequest{Method: "GET", Path: "accounts", URL: "accounts"},
			backend.CallResourceResponseSenderFunc(func(r *backend.CallResourceResponse) error {
				got = append(got, r)
				return nil
			})); err != nil || len(got) != 1 || got[0].Status != 200 {
			t.Fatalf("after the panic: %v %+v", err, got)
		}
	})
}

// Day counts beyond 100 years are a settings error in the health check and every query, naming
// the field, instead of a database error ("integer out of range") on every lifecycle query.
func TestHugeThresholdIsASettingsError(t *testing.T) {
	js := settingsFor(t, pgtest.NewContractDatabase(t))
	js["lapsedDays"] = 100000000
	d := newInstance(t, js)
	h, err := d.CheckHealth(context.Background(), &backend.CheckHealthRequest{})
	if err != nil || h.Status != backend.HealthStatusError || !strings.Contains(h.Message, "lapsed threshold 100000000 days is out of range: use 1 to 36600 days") {
		t.Fatalf("health %+v %v", h, err)
	}
	q := backend.DataQuery{RefID: "A", QueryType: "segments", TimeRange: week, JSON: []byte(`{"dimension":"lifecycle_status"}`)}
	wantError(t, query(t, d, q).Responses["A"], backend.ErrorSourceDownstream, "lapsed threshold 100000000 days", "fix it in the data source settings")
}
