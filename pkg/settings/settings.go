// Package settings parses and validates a datasource instance's settings in one place, turning
// Grafana's jsonData and secureJsonData into the database configuration and the shop's definitions.
package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// JSONData mirrors the config editor's jsonData (src/types.ts). Pointers tell "unset" (take the
// default) from an explicit value.
type JSONData struct {
	Host                    string   `json:"host"`
	Port                    *Number  `json:"port"`
	Database                string   `json:"database"`
	User                    string   `json:"user"`
	SSLMode                 string   `json:"sslMode"`
	MaxOpenConns            *Number  `json:"maxOpenConns"`
	StatementTimeoutSeconds *Number  `json:"statementTimeoutSeconds"`
	ConnectTimeoutSeconds   *Number  `json:"connectTimeoutSeconds"`
	Schema                  string   `json:"schema"`
	TimeZone                string   `json:"timeZone"`
	Currency                string   `json:"currency"`
	NewBuyerLookbackDays    *Number  `json:"newBuyerLookbackDays"`
	LifecycleThresholds     string   `json:"lifecycleThresholds"`
	AtRiskDays              *Number  `json:"atRiskDays"`
	LapsedDays              *Number  `json:"lapsedDays"`
	ValueBandLow            *Number  `json:"valueBandLow"`
	ValueBandHigh           *Number  `json:"valueBandHigh"`
	ValueBandVeryHigh       *Number  `json:"valueBandVeryHigh"`
	DevicePriceEdges        []Number `json:"devicePriceEdges"`
	RFMScale                *Number  `json:"rfmScale"`
	CLVHorizonDays          *Number  `json:"clvHorizonDays"`
	CLVDiscountRate         *Number  `json:"clvDiscountRate"`
	CacheTTLSeconds         *Number  `json:"cacheTTLSeconds"`
}

// Secure setting keys (secureJsonData).
const (
	KeyPassword      = "password"
	KeyTLSCACert     = "tlsCACert"
	KeyTLSClientCert = "tlsClientCert"
	KeyTLSClientKey  = "tlsClientKey"
)

// Settings is a validated datasource configuration.
type Settings struct {
	DB   database.Config
	Shop analytics.Shop
	// CacheTTL is how long identical queries reuse a result; 0 keeps none (identical queries
	// running at the same moment still share one computation).
	CacheTTL time.Duration
}

// Defaults for settings left empty.
const (
	defaultPort             = 5432
	defaultMaxOpenConns     = 10
	defaultStatementTimeout = 30 * time.Second
	defaultConnectTimeout   = 10 * time.Second
	defaultCacheTTL         = 30 * time.Second
)

// Parse validates jsonData and the decrypted secure settings. The error lists every problem found,
// each naming the setting and what to enter.
func Parse(jsonData []byte, secure map[string]string) (Settings, error) {
	var j JSONData
	if len(jsonData) > 0 {
		if err := json.Unmarshal(jsonData, &j); err != nil {
			return Settings{}, fmt.Errorf("settings: the data source's JSON settings are malformed: %w", err)
		}
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	s := Settings{Shop: analytics.DefaultShop()}
	db := &s.DB
	db.Host = strings.TrimSpace(j.Host)
	if db.Host == "" {
		db.Host = "localhost"
	} else if strings.ContainsAny(db.Host, " /?#@") && !strings.HasPrefix(db.Host, "/") {
		bad("host %q is not a host name: enter only the name or address; the port has its own field", db.Host)
	}
	port := wholeOr(j.Port, defaultPort, "port", "use 1 to 65535 (PostgreSQL's default is 5432)", bad)
	if port < 1 || port > 65535 {
		bad("port %d is out of range: use 1 to 65535 (PostgreSQL's default is 5432)", port)
	} else {
		db.Port = uint16(port)
	}
	db.Database = strings.TrimSpace(j.Database)
	if db.Database == "" {
		bad("database is empty: enter the name of the shop's database")
	}
	db.User = strings.TrimSpace(j.User)
	if db.User == "" {
		bad("user is empty: enter a PostgreSQL user that may read the contract schema")
	}
	db.Password = secure[KeyPassword]
	db.SSLMode = j.SSLMode
	if db.SSLMode == "" {
		db.SSLMode = database.SSLRequire
	}
	db.CACert, db.ClientCert, db.ClientKey = secure[KeyTLSCACert], secure[KeyTLSClientCert], secure[KeyTLSClientKey]
	if _, err := database.TLSConfig(*db); err != nil {
		bad("%s", strings.TrimPrefix(err.Error(), "database: "))
	}
	conns := wholeOr(j.MaxOpenConns, defaultMaxOpenConns, "pool size", "use 1 to 1000 connections", bad)
	if conns < 1 || conns > 1000 {
		bad("pool size %d is out of range: use 1 to 1000 connections", conns)
	}
	db.MaxConns = int32(conns)
	db.StatementTimeout = secondsOr(j.StatementTimeoutSeconds, defaultStatementTimeout, "statement timeout", 1, 3600, bad)
	db.ConnectTimeout = secondsOr(j.ConnectTimeoutSeconds, defaultConnectTimeout, "connect timeout", 0.1, 600, bad)
	s.CacheTTL = secondsOr(j.CacheTTLSeconds, defaultCacheTTL, "result cache TTL", 0, 3600, bad)
	db.Schema = strings.TrimSpace(j.Schema)
	if db.Schema == "" {
		db.Schema = contract.DefaultSchema
	}
	if len(db.Schema) > 63 || strings.ContainsRune(db.Schema, 0) {
		bad("schema %q is not a PostgreSQL schema name (at most 63 bytes)", db.Schema)
	}

	shop := &s.Shop
	if tz := strings.TrimSpace(j.TimeZone); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil || tz == "Local" {
			bad("time zone %q is unknown: use an IANA name such as Europe/Berlin or America/New_York", tz)
		} else {
			shop.Location = loc
		}
	}
	if c := strings.TrimSpace(j.Currency); c != "" {
		shop.Currency = strings.ToUpper(c)
	}
	days := func(p *Number, def int, what, usual string) int {
		return wholeOr(p, def, what, fmt.Sprintf("use 1 to %d days (%s)", analytics.MaxDays, usual), bad)
	}
	shop.NewBuyerLookbackDays = days(j.NewBuyerLookbackDays, shop.NewBuyerLookbackDays, "new-buyer look-back", "or 0 for all history")
	switch j.LifecycleThresholds {
	case "", "fixed":
	case "auto":
		bad("lifecycle thresholds \"auto\" (derived from the shop's repurchase gaps) are not available yet: use fixed and set the at-risk and lapsed days")
	default:
		bad("lifecycle thresholds %q: use fixed", j.LifecycleThresholds)
	}
	shop.AtRiskDays = days(j.AtRiskDays, shop.AtRiskDays, "at-risk threshold", "182 is usual")
	shop.LapsedDays = days(j.LapsedDays, shop.LapsedDays, "lapsed threshold", "385 is usual")
	shop.ValueBands = [3]float64{
		floatOr(j.ValueBandLow, shop.ValueBands[0]),
		floatOr(j.ValueBandHigh, shop.ValueBands[1]),
		floatOr(j.ValueBandVeryHigh, shop.ValueBands[2]),
	}
	if j.DevicePriceEdges != nil {
		shop.DevicePriceEdges = make([]float64, len(j.DevicePriceEdges))
		for i, e := range j.DevicePriceEdges {
			shop.DevicePriceEdges[i] = float64(e)
		}
	}
	shop.RFMScale = wholeOr(j.RFMScale, shop.RFMScale, "RFM scale", "use 3 to 10 (5 is usual)", bad)
	shop.CLVHorizonDays = wholeOr(j.CLVHorizonDays, shop.CLVHorizonDays, "predicted CLV horizon", "use 1 to 3650 days (365 is usual)", bad)
	shop.CLVDiscountRate = floatOr(j.CLVDiscountRate, shop.CLVDiscountRate)
	if err := shop.Validate(); err != nil {
		bad("%s", err)
	}
	if len(problems) > 0 {
		return Settings{}, errors.New("settings: " + strings.Join(problems, "; "))
	}
	return s, nil
}

// Number is a JSON number that also accepts a numeric string, because Grafana's provisioning
// turns environment-variable values into strings.
type Number float64

// UnmarshalJSON accepts 42, 4.2 and "42".
func (n *Number) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if unq, err := strconv.Unquote(s); err == nil {
		s = strings.TrimSpace(unq)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Errorf("%s is not a number", string(b))
	}
	*n = Number(f)
	return nil
}

// wholeOr returns p as an int, or def when unset. A value that is not a whole number, or so large
// that no setting allows it (beyond ±1e9), is reported here as entered, naming the setting (what)
// and what to enter (hint); def is returned then so that the range checks do not report it again.
// Values within ±1e9 are left to the range checks (Shop.Validate and the connection's).
func wholeOr(p *Number, def int, what, hint string, bad func(string, ...any)) int {
	if p == nil {
		return def
	}
	f := float64(*p)
	switch {
	case f != math.Trunc(f):
		bad("%s %g is not a whole number: %s", what, f, hint)
		return def
	case math.Abs(f) > 1e9:
		bad("%s %g is out of range: %s", what, f, hint)
		return def
	}
	return int(f)
}

func floatOr(p *Number, def float64) float64 {
	if p == nil {
		return def
	}
	return float64(*p)
}

func secondsOr(p *Number, def time.Duration, what string, lo, hi float64, bad func(string, ...any)) time.Duration {
	if p == nil {
		return def
	}
	v := float64(*p)
	if math.IsNaN(v) || v < lo || v > hi {
		bad("%s %g s is out of range: use %g to %g seconds", what, v, lo, hi)
		return def
	}
	return time.Duration(v * float64(time.Second))
}
