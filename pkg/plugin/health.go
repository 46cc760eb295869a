package plugin

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
)

// checkContract checks the database against the contract; a variable so that tests can inject
// failures (a panic) into the health check.
var checkContract = contract.Check

// CheckHealth connects, checks the contract and reports the server version and capabilities.
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (res *backend.CheckHealthResult, err error) {
	defer func() {
		// A bug in the health check answers the check, not the SDK's bare "panic triggered".
		if r := recover(); r != nil {
			logPanic("health check", r)
			res, err = &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: panicMessage("in the health check", r)}, nil
		}
	}()
	if d.settingsErr != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: d.settingsErr.Error()}, nil
	}
	report, err := checkContract(ctx, d.db, d.settings.DB.Schema)
	if err != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: connectionHint(err)}, nil
	}
	status := backend.HealthStatusOk
	if !report.Has(contract.Core) {
		status = backend.HealthStatusError
	}
	msg := report.Summary() + report.HistoryZoneHint(d.settings.Shop.Location.String())
	return &backend.CheckHealthResult{Status: status, Message: msg}, nil
}

// connectionHint turns a failure to reach the database into a message that says what to check.
func connectionHint(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "connect: connection refused"), strings.Contains(msg, "no such host"):
		return fmt.Sprintf("cannot reach PostgreSQL: check host, port and that the server is running (%s)", msg)
	case strings.Contains(msg, "password authentication failed"), strings.Contains(msg, "no password supplied"):
		return fmt.Sprintf("PostgreSQL refused the user or password: check them (%s)", msg)
	case strings.Contains(msg, "tls"), strings.Contains(msg, "x509"), strings.Contains(msg, "SSL"):
		return fmt.Sprintf("TLS failed: check the TLS mode and certificates (%s)", msg)
	}
	return msg
}

// logPanic logs a recovered panic with its stack, for the bug report panicMessage asks for.
func logPanic(where string, r any) {
	backend.Logger.Error("panic recovered", "in", where, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
}

// panicMessage is what a user sees of a recovered panic: what failed and what to do.
func panicMessage(where string, r any) string {
	return fmt.Sprintf("internal error %s: %v. This is a bug in the plugin, not in the settings or the database: try again, and if it persists report it with the Grafana server log, which has the details", where, r)
}
