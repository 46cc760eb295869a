package analytics

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/storelens/customer-analytics-datasource/pkg/clv"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
)

// noDB is a Reader that fails every read: the tests below must be answered before any SQL.
type noDB struct{}

var errTouched = errors.New("the database was read")

func (noDB) Read(context.Context, func(tx database.Tx) error) error { return errTouched }

// holdoutEngine is an engine whose fits come from c, with a successful fit kept for the day
// before the holdout's calibration day (so that a borrowing lookup would find it).
func holdoutEngine(c *countingFits) (*Engine, Period) {
	e := &Engine{db: noDB{}, shop: DefaultShop()}
	e.fits = newFitCache(c.fit)
	e.fits.entries[key("2026-05-09")] = &fitEntry{fit: &modelFit{Key: key("2026-05-09"), UnitDays: 7}, at: time.Now()}
	from := time.Date(2026, 5, 11, 0, 0, 0, 0, time.UTC) // calibration day 2026-05-10
	return e, Period{From: from, To: from.AddDate(0, 0, 90)}
}

// TestCLVHoldoutWaitHonoursContext: the holdout view waits for its calibration day's own fit only
// as long as the request allows (it used to wait for every running fit, ignoring cancellation).
func TestCLVHoldoutWaitHonoursContext(t *testing.T) {
	c := &countingFits{release: make(chan struct{})}
	e, p := holdoutEngine(c)
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	res := make(chan error, 1)
	go func() {
		_, err := e.CLV(ctx, CLVQuery{View: CLVHoldout}, p)
		res <- err
	}()
	select {
	case err := <-res:
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "fit as of 2026-05-10") {
			t.Errorf("got %v, want a clear error wrapping the deadline", err)
		}
	case <-time.After(3 * time.Second):
		t.Error("the holdout view still waits 3 s after its request's deadline")
		close(c.release)
		<-res
		return
	}
	close(c.release)
}

// TestCLVHoldoutNeverBorrows: when the calibration day's fit fails, the holdout view answers the
// failure, not the check of an earlier day's fit.
func TestCLVHoldoutNeverBorrows(t *testing.T) {
	down := errors.New("connection refused")
	c := &countingFits{err: down}
	e, p := holdoutEngine(c)
	defer e.Close()
	_, err := e.CLV(context.Background(), CLVQuery{View: CLVHoldout}, p)
	if !errors.Is(err, down) {
		t.Errorf("got %v, want the fit's own failure", err)
	}
}

// TestFitCacheOwn: own never borrows and waits within its context.
func TestFitCacheOwn(t *testing.T) {
	c := &countingFits{}
	fc := newFitCache(c.fit)
	defer fc.close()
	ctx := context.Background()
	if _, err := fc.get(ctx, key("2026-05-10")); err != nil {
		t.Fatal(err)
	}
	c.release = make(chan struct{})
	if f, err := fc.get(ctx, key("2026-05-11")); err != nil || f.Key.day != "2026-05-10" {
		t.Fatalf("get: %+v, %v; want the borrowed fit", f, err)
	}
	go func() { time.Sleep(50 * time.Millisecond); close(c.release) }()
	if f, err := fc.own(ctx, key("2026-05-11")); err != nil || f.Key.day != "2026-05-11" {
		t.Fatalf("own: %+v, %v; want the day's own fit", f, err)
	}
}

// TestFitDay: a fit is of whole local days; a request ending mid-day is answered by the fit of
// the day before, whose orders end at the day's midnight, never at or after the request's end.
func TestFitDay(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		loc  *time.Location
		to   time.Time
		want string
	}{
		{time.UTC, time.Date(1997, 10, 1, 0, 0, 0, 0, time.UTC), "1997-09-30"},
		{time.UTC, time.Date(1997, 9, 30, 6, 0, 0, 0, time.UTC), "1997-09-29"},
		{time.UTC, time.Date(1997, 9, 30, 23, 59, 59, 0, time.UTC), "1997-09-29"},
		{ny, time.Date(2026, 4, 1, 0, 0, 0, 0, ny), "2026-03-31"},
		{ny, time.Date(2026, 4, 1, 3, 0, 0, 0, time.UTC), "2026-03-30"}, // 23:00 on 31 March in New York
		{ny, time.Date(2026, 3, 9, 0, 0, 0, 0, ny), "2026-03-08"},       // after the 23-hour day
	} {
		s := DefaultShop()
		s.Location = c.loc
		d := s.fitDay(c.to)
		if got := d.Format(time.DateOnly); got != c.want {
			t.Errorf("%s in %s: fit day %s, want %s", c.to, c.loc, got, c.want)
		}
		if end := s.fitAsOf(d); end.After(c.to) || !s.fitAsOf(d.AddDate(0, 0, 1)).After(c.to) {
			t.Errorf("%s in %s: the fit ends at %s, not the last local midnight at or before", c.to, c.loc, end)
		}
	}
	s := DefaultShop()
	s.Location = ny
	from := s.fitAsOf(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) // midnight starting 2 March
	for _, c := range []struct {
		to   time.Time
		want float64
	}{
		{time.Date(2026, 3, 12, 0, 0, 0, 0, ny), 10}, // across the 23-hour day: ten local days
		{time.Date(2026, 3, 12, 12, 0, 0, 0, ny), 10.5},
		{time.Date(2026, 3, 2, 6, 0, 0, 0, ny), 0.25},
	} {
		if got := s.localDays(from, c.to); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("localDays(%s, %s) = %v, want %v", from, c.to, got, c.want)
		}
	}
}

// TestPredictorReportsNonFinite: a prediction that is not a finite number makes the view's error,
// never a NaN in its sums.
func TestPredictorReportsNonFinite(t *testing.T) {
	f := &modelFit{Key: key("2026-05-10"), UnitDays: 7, BG: clv.BGNBD{R: math.NaN(), Alpha: 4, A: 0.8, B: 2.4}, GG: clv.GammaGamma{P: 6, Q: 3.7, Gamma: 15}}
	pr := newPredictor(f, clv.Horizon{T: 52})
	pr.predict(clvInput{id: "42", x: 3, txDays: 100, tDays: 200, repeatValue: 30})
	if err := pr.err(); err == nil || !strings.Contains(err.Error(), `customer "42"`) {
		t.Errorf("got %v, want an error naming the customer", err)
	}
	ok := newPredictor(&modelFit{Key: key("2026-05-10"), UnitDays: 7, BG: clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}, GG: f.GG}, clv.Horizon{T: 3650.0 / 7})
	ok.predict(clvInput{id: "1", x: 1000, txDays: 2190, tDays: 2191, repeatValue: 30000})
	ok.groupValue(400, 470, 480, 1, 25)
	if err := ok.err(); err != nil {
		t.Error(err)
	}
}
