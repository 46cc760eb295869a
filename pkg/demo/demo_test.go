package demo

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"runtime"
	"testing"
	"time"
)

// testConfig is a small shop: big enough for every shape to show, small enough for seconds.
func testConfig(t testing.TB) Config {
	t.Helper()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return Config{Customers: 2000, Seed: 7, End: time.Date(2026, 11, 23, 0, 0, 0, 0, berlin), TimeZone: berlin}
}

// hashShop generates every table of cfg in Go, as Load streams it, and hashes the rows.
func hashShop(t testing.TB, cfg Config) (string, map[string]int64) {
	t.Helper()
	s, err := newShop(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	counts := map[string]int64{}
	var buf []byte
	for _, tb := range tables {
		src := tb.source(s)
		for src.Next() {
			vals, err := src.Values()
			if err != nil {
				t.Fatal(err)
			}
			buf = append(buf[:0], tb.name...)
			for _, v := range vals {
				switch v := v.(type) {
				case nil:
					buf = append(buf, 0)
				case int64:
					buf = binary.AppendVarint(append(buf, 1), v)
				case int32:
					buf = binary.AppendVarint(append(buf, 2), int64(v))
				case money:
					buf = binary.AppendVarint(append(buf, 3), int64(v))
				case bool:
					buf = append(buf, 4)
					if v {
						buf[len(buf)-1] = 5
					}
				case string:
					buf = append(binary.AppendUvarint(append(buf, 5), uint64(len(v))), v...)
				case []byte:
					buf = append(binary.AppendUvarint(append(buf, 6), uint64(len(v))), v...)
				case time.Time:
					buf = binary.AppendVarint(append(buf, 7), v.UnixNano())
				default:
					t.Fatalf("%s: unexpected value type %T", tb.name, v)
				}
			}
			h.Write(buf)
			counts[tb.name]++
		}
	}
	return hex.EncodeToString(h.Sum(nil)), counts
}

func TestGenerationIsDeterministic(t *testing.T) {
	cfg := testConfig(t)
	a, counts := hashShop(t, cfg)
	b, _ := hashShop(t, cfg)
	if a != b {
		t.Fatalf("same config, different shops: %s vs %s", a, b)
	}
	cfg.Seed++
	if c, _ := hashShop(t, cfg); c == a {
		t.Fatalf("another seed gave the same shop")
	}
	for _, tb := range tables {
		if counts[tb.name] == 0 {
			t.Errorf("table %s is empty", tb.name)
		}
	}
}

func TestConfigValidation(t *testing.T) {
	good := testConfig(t)
	for name, mutate := range map[string]func(*Config){
		"no end":        func(c *Config) { c.End = time.Time{} },
		"no customers":  func(c *Config) { c.Customers = 0 },
		"too many":      func(c *Config) { c.Customers = MaxCustomers + 1 },
		"negative year": func(c *Config) { c.Years = -1 },
	} {
		cfg := good
		mutate(&cfg)
		if _, err := newShop(cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	cfg := good
	cfg.Years, cfg.TimeZone = 0, nil
	s, err := newShop(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s.cfg.Years != 3 || s.cfg.TimeZone != time.UTC {
		t.Errorf("defaults: years %d, zone %s", s.cfg.Years, s.cfg.TimeZone)
	}
}

// TestClock checks the time change behind every rhythm: monotone, inside the history, and
// invertible, across a DST change and with a history that ends mid-day.
func TestClock(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	end := time.Date(2026, 3, 20, 15, 30, 0, 0, ny) // not a midnight; DST began on 8 March
	cal := newCalendar(end.AddDate(0, -2, 0), end, ny)
	for _, k := range []*clock{newClock(cal, cal.orderWeight), newClock(cal, cal.signupWeight), newClock(cal, cal.activityWeight)} {
		prev := int64(math.MinInt64)
		const steps = 20000
		for i := range steps {
			x := k.total() * float64(i) / steps
			tt, d := k.at(x)
			if tt < cal.start || tt >= cal.end {
				t.Fatalf("at(%v) = %v outside the history", x, time.Unix(tt, 0))
			}
			if tt < prev {
				t.Fatalf("at is not monotone at %v", x)
			}
			if cal.mid[d] > tt || cal.mid[d+1] <= tt {
				t.Fatalf("at(%v): day %d does not hold %v", x, d, time.Unix(tt, 0))
			}
			prev = tt
			// One second of history is at most a few thousandths of a position unit.
			if back := k.pos(tt); math.Abs(back-x) > 0.01 {
				t.Fatalf("pos(at(%v)) = %v", x, back)
			}
		}
	}
	if got := bfcmPhase(2026, time.November, 27); got != 2 {
		t.Errorf("Black Friday 2026: phase %d", got)
	}
	if got := bfcmPhase(2026, time.November, 26); got != 1 {
		t.Errorf("Thanksgiving 2026: phase %d", got)
	}
}

// BenchmarkGenerate measures generation alone, without a database: every table of a
// 10k-customer shop, row by row, as Load streams it.
func BenchmarkGenerate(b *testing.B) {
	cfg := testConfig(b)
	cfg.Customers = 10_000
	s, err := newShop(cfg)
	if err != nil {
		b.Fatal(err)
	}
	rows := 0
	for b.Loop() {
		for _, tb := range tables {
			src := tb.source(s)
			for src.Next() {
				if _, err := src.Values(); err != nil {
					b.Fatal(err)
				}
				rows++
			}
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(cfg.Customers*b.N)/b.Elapsed().Seconds(), "customers/s")
}

// goldenShop is the hash of a small shop, pinned so that any change to what the generator
// produces is deliberate: when it fails, bump Version (caches of loaded shops key on it) and
// update the hash.
const goldenShop = "e606ab95caca539c06efd647785dd2bcd7ff5be7a50b085bb0f06049abe2c6cf"

func TestOutputIsPinned(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		// Other architectures may fuse floating-point multiply-adds and round differently.
		t.Skip("the pinned hash is computed on amd64")
	}
	cfg := testConfig(t)
	cfg.Customers = 300
	got, _ := hashShop(t, cfg)
	if got != goldenShop {
		t.Errorf("the generator's output changed (Version %d): hash %s, pinned %s; bump Version and update goldenShop", Version, got, goldenShop)
	}
}
