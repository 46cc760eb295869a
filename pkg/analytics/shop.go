// Package analytics is the engine: it turns a typed query and a period into SQL over the commerce
// contract, runs it through a read-only Reader, and returns data frames. It knows nothing of Grafana
// beyond frames.
package analytics

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// Reader runs fn in a read-only transaction whose search path is the contract schema
// (database.DB implements it).
type Reader interface {
	Read(ctx context.Context, fn func(tx database.Tx) error) error
}

// Shop holds the shop's definitions: the datasource settings that change what a number means.
type Shop struct {
	// Location sets day boundaries and bucket starts.
	Location *time.Location
	// Currency is the ISO 4217 code of money fields.
	Currency string
	// NewBuyerLookbackDays is L of SPEC §4 Buyers; 0 means all history.
	NewBuyerLookbackDays int
	// AtRiskDays and LapsedDays are the lifecycle thresholds.
	AtRiskDays, LapsedDays int
	// ValueBands are the low/medium, medium/high and high/very-high edges as AOV ratios.
	ValueBands [3]float64
	// DevicePriceEdges are the ascending edges of the device price bands.
	DevicePriceEdges []float64
	// RFMScale is the number of RFM score levels (5 by default).
	RFMScale int
	// CLVHorizonDays is how far predicted CLV looks ahead (365 by default).
	CLVHorizonDays int
	// CLVDiscountRate is the yearly rate future revenue is discounted at in predicted CLV (0.1
	// for 10 %); 0 means undiscounted.
	CLVDiscountRate float64
}

// DefaultShop returns the SPEC's default definitions.
func DefaultShop() Shop {
	return Shop{
		Location:             time.UTC,
		Currency:             "USD",
		NewBuyerLookbackDays: 365,
		AtRiskDays:           182,
		LapsedDays:           385,
		ValueBands:           [3]float64{0.75, 1.25, 2.5},
		DevicePriceEdges:     []float64{150, 300, 600, 1000},
		RFMScale:             5,
		CLVHorizonDays:       365,
	}
}

// MaxDays bounds the day-count settings (new-buyer look-back, at-risk and lapsed thresholds):
// 36600 days, 100 years. The statements turn the thresholds into intervals of 24-hour days
// (make_interval(hours => 24 * days)) and add them to order times, so a count much beyond this
// overflows PostgreSQL's integers (24 × days above 2^31) or timestamps, and every query of the
// lifecycle, audience and events would fail with a database error.
const MaxDays = 36600

// Validate reports the first definition that cannot work, in words a Grafana admin can act on.
func (s Shop) Validate() error {
	switch {
	case s.Location == nil:
		return fmt.Errorf("time zone is not set")
	case len(s.Currency) != 3 || strings.ToUpper(s.Currency) != s.Currency:
		return fmt.Errorf("currency %q is not an ISO 4217 code such as USD or EUR", s.Currency)
	case s.NewBuyerLookbackDays < 0 || s.NewBuyerLookbackDays > MaxDays:
		return fmt.Errorf("new-buyer look-back %d days is out of range: use 1 to %d days, or 0 for all history", s.NewBuyerLookbackDays, MaxDays)
	case s.AtRiskDays < 1 || s.AtRiskDays > MaxDays:
		return fmt.Errorf("at-risk threshold %d days is out of range: use 1 to %d days (182 is usual), fewer than the lapsed threshold", s.AtRiskDays, MaxDays)
	case s.LapsedDays < 1 || s.LapsedDays > MaxDays:
		return fmt.Errorf("lapsed threshold %d days is out of range: use 1 to %d days (385 is usual), more than the at-risk threshold", s.LapsedDays, MaxDays)
	case s.LapsedDays <= s.AtRiskDays:
		return fmt.Errorf("lifecycle thresholds at-risk %d and lapsed %d days: set at-risk below lapsed (182 and 385 are usual)", s.AtRiskDays, s.LapsedDays)
	case !(s.ValueBands[0] > 0 && s.ValueBands[0] < s.ValueBands[1] && s.ValueBands[1] < s.ValueBands[2]):
		return fmt.Errorf("value-band thresholds %v must be positive and ascending (e.g. 0.75, 1.25, 2.5)", s.ValueBands)
	case s.RFMScale < 3 || s.RFMScale > 10:
		return fmt.Errorf("RFM scale %d is out of range: use 3 to 10 (5 is usual)", s.RFMScale)
	case s.CLVHorizonDays < 1 || s.CLVHorizonDays > maxHorizonDays:
		return fmt.Errorf("predicted CLV horizon %d days is out of range: use 1 to %d days (365 is usual)", s.CLVHorizonDays, maxHorizonDays)
	case !(s.CLVDiscountRate >= 0 && s.CLVDiscountRate <= 1):
		return fmt.Errorf("predicted CLV discount rate %v is out of range: use a yearly rate from 0 to 1 (0.1 for 10 %%), or 0 for none", s.CLVDiscountRate)
	}
	// Without an edge every known device price would fall in no band (width_bucket 0): unknown.
	if len(s.DevicePriceEdges) == 0 {
		return fmt.Errorf("device-price band edges are empty: enter at least one price (e.g. 150, 300, 600, 1000), or clear the setting for those defaults")
	}
	for i, e := range s.DevicePriceEdges {
		if !(e > 0) || math.IsInf(e, 0) || (i > 0 && !(e > s.DevicePriceEdges[i-1])) {
			return fmt.Errorf("device-price band edges %v must be finite, positive and ascending, without repeats (e.g. 150, 300, 600, 1000)", s.DevicePriceEdges)
		}
	}
	return nil
}

// currencyUnits are the currencies Grafana has a unit for; others get a suffix unit.
var currencyUnits = map[string]bool{
	"USD": true, "GBP": true, "EUR": true, "JPY": true, "RUB": true, "UAH": true, "BRL": true,
	"DKK": true, "ISK": true, "NOK": true, "SEK": true, "CZK": true, "CHF": true, "PLN": true,
	"ZAR": true, "INR": true, "KRW": true, "IDR": true, "PHP": true, "VND": true,
}

// MoneyUnit is the Grafana unit of money fields in the shop currency.
func (s Shop) MoneyUnit() string {
	if currencyUnits[s.Currency] {
		return "currency" + s.Currency
	}
	return "suffix: " + s.Currency
}

// Engine answers the query types over one shop's database.
type Engine struct {
	db   Reader
	shop Shop
	fits *fitCache
}

// New returns an engine reading db with the shop's definitions. Close it to stop its background
// work (model refits).
func New(db Reader, shop Shop) *Engine {
	e := &Engine{db: db, shop: shop}
	e.fits = newFitCache(e.fitModels)
	return e
}

// Close stops the engine's background work and waits for it.
func (e *Engine) Close() { e.fits.close() }

// Shop returns the engine's definitions.
func (e *Engine) Shop() Shop { return e.shop }
