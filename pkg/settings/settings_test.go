package settings

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/analytics"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

const minimal = `{"host":"db.example","database":"shop","user":"grafana"}`

func TestDefaults(t *testing.T) {
	s, err := Parse([]byte(minimal), map[string]string{"password": "pw"})
	if err != nil {
		t.Fatal(err)
	}
	db := s.DB
	if db.Host != "db.example" || db.Port != 5432 || db.Database != "shop" || db.User != "grafana" || db.Password != "pw" {
		t.Errorf("connection %+v", db)
	}
	if db.SSLMode != database.SSLRequire || db.MaxConns != 10 || db.StatementTimeout != 30*time.Second || db.ConnectTimeout != 10*time.Second || db.Schema != "commerce" {
		t.Errorf("defaults %+v", db)
	}
	sh := s.Shop
	if sh.Location != time.UTC || sh.Currency != "USD" || sh.NewBuyerLookbackDays != 365 || sh.AtRiskDays != 182 || sh.LapsedDays != 385 ||
		sh.ValueBands != [3]float64{0.75, 1.25, 2.5} || len(sh.DevicePriceEdges) != 4 || sh.RFMScale != 5 {
		t.Errorf("shop defaults %+v", sh)
	}
}

func TestCacheTTL(t *testing.T) {
	for js, want := range map[string]time.Duration{
		`{"database":"d","user":"u"}`:                        30 * time.Second,
		`{"database":"d","user":"u","cacheTTLSeconds":0}`:    0,
		`{"database":"d","user":"u","cacheTTLSeconds":"90"}`: 90 * time.Second,
	} {
		s, err := Parse([]byte(js), nil)
		if err != nil || s.CacheTTL != want {
			t.Errorf("%s: TTL %v, %v; want %v", js, s.CacheTTL, err, want)
		}
	}
	if _, err := Parse([]byte(`{"database":"d","user":"u","cacheTTLSeconds":4000}`), nil); err == nil || !strings.Contains(err.Error(), "result cache TTL 4000 s is out of range") {
		t.Errorf("TTL 4000: %v", err)
	}
}

func TestHostDefaultsToLocalhost(t *testing.T) {
	s, err := Parse([]byte(`{"database":"d","user":"u"}`), nil)
	if err != nil || s.DB.Host != "localhost" {
		t.Fatalf("host %q, %v", s.DB.Host, err)
	}
}

func TestExplicitValues(t *testing.T) {
	// Numbers may come as strings: Grafana's provisioning expands environment variables to strings.
	js := `{"host":"10.0.0.5","port":"6432","database":"shop","user":"ro","sslMode":"disable","maxOpenConns":3,
	"statementTimeoutSeconds":2.5,"schema":"Shop Data","timeZone":"Asia/Tokyo","currency":"jpy","newBuyerLookbackDays":0,
	"lifecycleThresholds":"fixed","atRiskDays":90,"lapsedDays":180,"valueBandLow":0.5,"valueBandHigh":1,"valueBandVeryHigh":3,
	"devicePriceEdges":[100,"200"],"rfmScale":3,"clvHorizonDays":"730","clvDiscountRate":0.08}`
	s, err := Parse([]byte(js), nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.DB.Port != 6432 || s.DB.MaxConns != 3 || s.DB.StatementTimeout != 2500*time.Millisecond || s.DB.Schema != "Shop Data" {
		t.Errorf("db %+v", s.DB)
	}
	if s.Shop.Location.String() != "Asia/Tokyo" || s.Shop.Currency != "JPY" || s.Shop.MoneyUnit() != "currencyJPY" || s.Shop.NewBuyerLookbackDays != 0 ||
		s.Shop.AtRiskDays != 90 || s.Shop.ValueBands != [3]float64{0.5, 1, 3} || s.Shop.DevicePriceEdges[1] != 200 || s.Shop.RFMScale != 3 ||
		s.Shop.CLVHorizonDays != 730 || s.Shop.CLVDiscountRate != 0.08 {
		t.Errorf("shop %+v", s.Shop)
	}
}

func TestRejections(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		secure     map[string]string
		want       string
	}{
		{"malformed", `{"host":`, nil, "malformed"},
		{"host with port", `{"host":"db:5432/x","database":"d","user":"u"}`, nil, "not a host name"},
		{"no database", `{"host":"h","user":"u"}`, nil, "database is empty"},
		{"no user", `{"host":"h","database":"d"}`, nil, "user is empty"},
		{"port", `{"host":"h","database":"d","user":"u","port":70000}`, nil, "port 70000 is out of range"},
		{"port text", `{"host":"h","database":"d","user":"u","port":"abc"}`, nil, "malformed"},
		{"ssl mode", `{"host":"h","database":"d","user":"u","sslMode":"prefer-maybe"}`, nil, "unknown sslmode"},
		{"verify-ca without CA", `{"host":"h","database":"d","user":"u","sslMode":"verify-ca"}`, nil, "needs the CA certificate"},
		{"bad CA", `{"host":"h","database":"d","user":"u","sslMode":"verify-full"}`, map[string]string{"tlsCACert": "nope"}, "not valid PEM"},
		{"pool", `{"host":"h","database":"d","user":"u","maxOpenConns":0}`, nil, "pool size 0"},
		{"timeout", `{"host":"h","database":"d","user":"u","statementTimeoutSeconds":0}`, nil, "statement timeout 0 s"},
		{"time zone", `{"host":"h","database":"d","user":"u","timeZone":"Mars/Olympus"}`, nil, `time zone "Mars/Olympus" is unknown`},
		{"currency", `{"host":"h","database":"d","user":"u","currency":"dollars"}`, nil, "not an ISO 4217 code"},
		{"lookback", `{"host":"h","database":"d","user":"u","newBuyerLookbackDays":-1}`, nil, "look-back -1 days"},
		{"thresholds", `{"host":"h","database":"d","user":"u","atRiskDays":400}`, nil, "at-risk below lapsed"},
		{"lifecycle mode", `{"host":"h","database":"d","user":"u","lifecycleThresholds":"magic"}`, nil, "use fixed"},
		{"lifecycle auto", `{"host":"h","database":"d","user":"u","lifecycleThresholds":"auto"}`, nil, "not available yet"},
		{"bands", `{"host":"h","database":"d","user":"u","valueBandHigh":3}`, nil, "value-band thresholds"},
		{"edges", `{"host":"h","database":"d","user":"u","devicePriceEdges":[300,150]}`, nil, "ascending"},
		{"rfm", `{"host":"h","database":"d","user":"u","rfmScale":12}`, nil, "RFM scale 12"},
		{"clv horizon", `{"host":"h","database":"d","user":"u","clvHorizonDays":0}`, nil, "horizon 0 days"},
		{"clv horizon fraction", `{"host":"h","database":"d","user":"u","clvHorizonDays":30.5}`, nil, "horizon"},
		{"clv discount", `{"host":"h","database":"d","user":"u","clvDiscountRate":10}`, nil, "discount rate 10"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.json), tc.secure)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestAllProblemsAtOnce(t *testing.T) {
	_, err := Parse([]byte(`{"port":0}`), nil)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"database is empty", "user is empty", "port 0"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// The day counts have an upper bound (maxDays, 100 years): beyond it the statements' intervals
// (make_interval(hours => 24 * days)) overflow PostgreSQL's integers and timestamps, and every
// query would fail with a database error instead of the settings naming the field.
func TestDayCountsHaveAnUpperBound(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		want       []string
	}{
		{"at-risk above 100 years", `{"database":"d","user":"u","atRiskDays":36601,"lapsedDays":40000}`, []string{"at-risk threshold 36601 days", "1 to 36600"}},
		{"lapsed above 100 years", `{"database":"d","user":"u","lapsedDays":100000000}`, []string{"lapsed threshold 100000000 days", "1 to 36600"}},
		{"both huge", `{"database":"d","user":"u","atRiskDays":"999999999","lapsedDays":1000000000}`, []string{"at-risk threshold 999999999 days is out of range"}},
		{"beyond any int", `{"database":"d","user":"u","lapsedDays":1e12}`, []string{"lapsed threshold 1e+12 is out of range", "use 1 to 36600 days"}},
		{"fraction", `{"database":"d","user":"u","atRiskDays":90.5}`, []string{"at-risk threshold 90.5 is not a whole number"}},
		{"look-back", `{"database":"d","user":"u","newBuyerLookbackDays":36601}`, []string{"new-buyer look-back 36601 days", "36600"}},
		{"look-back beyond any int", `{"database":"d","user":"u","newBuyerLookbackDays":-5e10}`, []string{"new-buyer look-back -5e+10 is out of range", "or 0 for all history"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.json), nil)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "-2147483648") {
				t.Errorf("error %q shows the parser's sentinel, not the value entered", err)
			}
		})
	}
	s, err := Parse([]byte(`{"database":"d","user":"u","atRiskDays":36599,"lapsedDays":36600,"newBuyerLookbackDays":36600}`), nil)
	if err != nil || s.Shop.AtRiskDays != 36599 || s.Shop.LapsedDays != 36600 {
		t.Fatalf("100 years: %+v, %v", s.Shop, err)
	}
	// The engine's own check (Shop.Validate) holds the same bound for callers that skip Parse.
	sh := analytics.DefaultShop()
	sh.AtRiskDays, sh.LapsedDays = 100, 100_000_000
	if err := sh.Validate(); err == nil || !strings.Contains(err.Error(), "lapsed threshold 100000000 days is out of range") {
		t.Errorf("Shop.Validate: %v", err)
	}
}

// The device-price edges must be a non-empty ascending list of finite positive prices: an empty
// list would put every known device price in no band ("unknown").
func TestDevicePriceEdges(t *testing.T) {
	for _, tc := range []struct{ name, json, want string }{
		{"empty", `{"database":"d","user":"u","devicePriceEdges":[]}`, "device-price band edges are empty: enter at least one price"},
		{"repeat", `{"database":"d","user":"u","devicePriceEdges":[150,150,300]}`, "positive and ascending"},
		{"zero", `{"database":"d","user":"u","devicePriceEdges":[0,150]}`, "positive and ascending"},
		{"not finite", `{"database":"d","user":"u","devicePriceEdges":[150,"Infinity"]}`, "malformed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.json), nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	// Unset (or null) keeps the default bands.
	for _, js := range []string{`{"database":"d","user":"u"}`, `{"database":"d","user":"u","devicePriceEdges":null}`} {
		s, err := Parse([]byte(js), nil)
		if err != nil || len(s.Shop.DevicePriceEdges) != 4 {
			t.Errorf("%s: edges %v, %v", js, s.Shop.DevicePriceEdges, err)
		}
	}
	for _, edges := range [][]float64{{}, {150, math.Inf(1)}, {math.NaN()}, {150, math.NaN(), 300}} {
		sh := analytics.DefaultShop()
		sh.DevicePriceEdges = edges
		if err := sh.Validate(); err == nil || !strings.Contains(err.Error(), "device-price band edges") {
			t.Errorf("Shop.Validate(%v): %v", edges, err)
		}
	}
}
