// Package plugin is the thin Grafana glue: instance management, request routing, health and
// resources. It parses settings and queries and hands them to the analytics engine.
package plugin

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/resultcache"
	"github.com/storelens/customer-analytics-datasource/pkg/settings"
)

// cacheEntries bounds the result cache of one datasource.
const cacheEntries = 1000

// PluginID is the id in plugin.json.
const PluginID = "storelens-customeranalytics-datasource"

// Compile-time checks that the instance serves what Grafana calls.
var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// Datasource is one configured datasource instance: its settings, its pool and its engine.
// Invalid settings do not fail the instance: every call answers the settings error instead, so
// the admin sees it in the health check and the panels.
type Datasource struct {
	settings    settings.Settings
	settingsErr error
	db          *database.DB
	engine      *analytics.Engine
	mux         *datasource.QueryTypeMux
	cache       *resultcache.Cache
	// computed counts the queries the engine actually ran (not answered from the cache).
	computed atomic.Int64
	// shared counts the computations the queries of a request shared (requestshare), once each.
	shared atomic.Int64
}

// NewDatasource is the instance factory given to datasource.Manage.
func NewDatasource(ctx context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
	d := &Datasource{}
	d.mux = d.routes()
	d.settings, d.settingsErr = settings.Parse(s.JSONData, s.DecryptedSecureJSONData)
	if d.settingsErr != nil {
		return d, nil
	}
	db, err := database.Open(ctx, d.settings.DB)
	if err != nil {
		d.settingsErr = fmt.Errorf("settings: %w", err)
		return d, nil
	}
	d.db = db
	d.engine = analytics.New(db, d.settings.Shop)
	d.cache = resultcache.New(d.settings.CacheTTL, cacheEntries)
	return d, nil
}

// Dispose stops the engine's background fits and closes the pool when Grafana replaces or removes
// the instance.
func (d *Datasource) Dispose() {
	if d.engine != nil {
		d.engine.Close()
	}
	if d.db != nil {
		d.db.Close()
	}
}
