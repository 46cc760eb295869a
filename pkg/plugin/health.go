package plugin

import (
	"context"
	"fmt"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
)

// CheckHealth connects, checks the contract and reports the server version and capabilities.
func (d *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if d.settingsErr != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: d.settingsErr.Error()}, nil
	}
	report, err := contract.Check(ctx, d.db, d.settings.DB.Schema)
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
