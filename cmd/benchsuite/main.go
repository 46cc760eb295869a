// Command benchsuite measures the plugin on a loaded demo shop (go run mage.go bench runs it): every
// view of every query type through the plugin's QueryData, against a straightforward reference SQL
// (bench/reference, whose figures it also checks against the plugin's) and against the floor (a
// plain aggregate scan of the same orders), then the Buyers dashboard in one request and the plugin
// binary's peak memory. With -load it instead sends a fixed rate of dashboard queries for a while
// (go run mage.go loadBench). It prints; it asserts nothing but the figures' agreement.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
	"github.com/storelens/customer-analytics-datasource/pkg/plugin"
)

// Targets (issue 7).
const (
	viewTarget      = time.Second
	dashboardTarget = 3 * time.Second
	rssTargetMB     = 100
)

type options struct {
	dsn       string
	runs      int
	budget    time.Duration
	only      *regexp.Regexp
	refDir    string
	dashboard string
	rss       bool
	end       time.Time
	timeout   int
}

func main() {
	var o options
	var only string
	var load bool
	var dsnB string
	var rate float64
	var duration time.Duration
	flag.StringVar(&o.dsn, "dsn", os.Getenv("BENCH_DSN"), "DSN of the database holding the demo shop (superuser or a reader of schema commerce)")
	flag.IntVar(&o.runs, "runs", 5, "timed runs per view (after one untimed warm-up run)")
	flag.DurationVar(&o.budget, "budget", 60*time.Second, "timing budget of one view: half for the plugin, 2/5 for the reference, 1/10 for the floor; each stops after its share (at least 1 timed run after the warm-up)")
	flag.StringVar(&only, "only", "", "only the views whose \"querytype view\" matches this regexp")
	flag.StringVar(&o.refDir, "ref", "bench/reference", "folder of the reference SQL files")
	flag.StringVar(&o.dashboard, "dashboard", "provisioning/dashboards/buyers.json", "the dashboard whose panels make the one-request dashboard benchmark")
	flag.BoolVar(&o.rss, "rss", true, "build the plugin binary and measure its peak memory over gRPC")
	flag.IntVar(&o.timeout, "timeout", 600, "the plugin's statement timeout in seconds while benchmarking")
	endS := flag.String("end", pgtest.DemoEnd.Format("2006-01-02"), "the shop's last day (exclusive end of every range), UTC")
	describe := flag.Bool("describe", false, "print the frames of the selected views (field names and first rows) instead of timing them")
	flag.StringVar(&dsnB, "ab", "", "A/B instead of the suite: time each view through the plugin on -dsn (A) and on this DSN (B), a copy of the same shop, in turn, and check their frames agree")
	flag.BoolVar(&load, "load", false, "run the load benchmark instead of the suite")
	flag.Float64Var(&rate, "rate", 5, "load benchmark: requests per second")
	flag.DurationVar(&duration, "duration", 60*time.Second, "load benchmark: how long")
	flag.Parse()
	if o.dsn == "" {
		fmt.Fprintln(os.Stderr, "benchsuite: -dsn (or BENCH_DSN) is required")
		os.Exit(2)
	}
	var err error
	if o.end, err = time.Parse("2006-01-02", *endS); err != nil {
		fmt.Fprintln(os.Stderr, "benchsuite: -end:", err)
		os.Exit(2)
	}
	if only != "" {
		o.only = regexp.MustCompile(only)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *describe {
		err = runDescribe(ctx, o)
	} else if dsnB != "" {
		err = runAB(ctx, o, dsnB)
	} else if load {
		err = runLoad(ctx, o, rate, duration)
	} else {
		err = runSuite(ctx, o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchsuite:", err)
		os.Exit(1)
	}
}

// pluginSettings is the datasource's JSON settings for dsn, as a Grafana admin would fill them in.
func pluginSettings(dsn string, extra map[string]any) (json.RawMessage, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	js := map[string]any{"host": cfg.Host, "port": cfg.Port, "database": cfg.Database, "user": cfg.User,
		"sslMode": "disable", "timeZone": "UTC", "currency": "USD"}
	for k, v := range extra {
		js[k] = v
	}
	return json.Marshal(js)
}

// newDatasource builds an in-process datasource instance the way pkg/plugin's tests do.
func newDatasource(ctx context.Context, dsn string, extra map[string]any) (*plugin.Datasource, error) {
	raw, err := pluginSettings(dsn, extra)
	if err != nil {
		return nil, err
	}
	inst, err := plugin.NewDatasource(ctx, backend.DataSourceInstanceSettings{JSONData: raw, DecryptedSecureJSONData: map[string]string{}})
	if err != nil {
		return nil, err
	}
	return inst.(*plugin.Datasource), nil
}

// rangeOf is the last days before end.
func (o options) rangeOf(days int) backend.TimeRange {
	return backend.TimeRange{From: o.end.AddDate(0, 0, -days), To: o.end}
}

// queryOnce sends one request and returns its first error, if any.
func queryOnce(ctx context.Context, d *plugin.Datasource, qs []backend.DataQuery) (*backend.QueryDataResponse, error) {
	resp, err := d.QueryData(ctx, &backend.QueryDataRequest{Queries: qs})
	if err != nil {
		return nil, err
	}
	refs := make([]string, 0, len(resp.Responses))
	for ref := range resp.Responses {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		if r := resp.Responses[ref]; r.Error != nil {
			return resp, fmt.Errorf("%s: %w", ref, r.Error)
		}
	}
	return resp, nil
}

// timing is the latencies of the timed runs of one thing.
type timing struct {
	runs []time.Duration
	err  error
}

func (t timing) p(q float64) time.Duration { return percentile(t.runs, q) }

func percentile(runs []time.Duration, q float64) time.Duration {
	if len(runs) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), runs...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	// nearest rank
	i := int(q*float64(len(s))+0.999999) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(s) {
		i = len(s) - 1
	}
	return s[i]
}

// measure runs fn once untimed (warm-up), then up to runs times timed, stopping once budget is
// spent (at least one timed run).
func measure(ctx context.Context, runs int, budget time.Duration, fn func() error) timing {
	if err := fn(); err != nil {
		return timing{err: err}
	}
	var t timing
	start := time.Now()
	for i := 0; i < runs; i++ {
		if ctx.Err() != nil {
			t.err = ctx.Err()
			return t
		}
		s := time.Now()
		if err := fn(); err != nil {
			t.err = err
			return t
		}
		t.runs = append(t.runs, time.Since(s))
		if time.Since(start) > budget {
			break
		}
	}
	return t
}

// timed is one thing measureInTurn times: fn, until its budget is spent.
type timed struct {
	budget time.Duration
	fn     func() error
}

// measureInTurn times several things in turn: each once untimed (warm-up; the first failing
// stops the others, which are not run), then rounds of one timed run of each, up to runs rounds,
// a thing leaving the rounds once its budget is spent (at least one timed run each). A thing
// that fails keeps its error and leaves the rounds.
func measureInTurn(ctx context.Context, runs int, things []timed) []timing {
	out := make([]timing, len(things))
	spent := make([]time.Duration, len(things))
	for i, th := range things {
		if err := th.fn(); err != nil {
			out[i].err = err
			if i == 0 {
				for j := 1; j < len(things); j++ {
					out[j].err = fmt.Errorf("not run: %w", err)
				}
				return out
			}
		}
	}
	for r := 0; r < runs; r++ {
		busy := false
		for i, th := range things {
			if out[i].err != nil || (r > 0 && spent[i] > th.budget) {
				continue
			}
			if ctx.Err() != nil {
				out[i].err = ctx.Err()
				continue
			}
			s := time.Now()
			if err := th.fn(); err != nil {
				out[i].err = err
				continue
			}
			d := time.Since(s)
			out[i].runs = append(out[i].runs, d)
			spent[i] += d
			busy = true
		}
		if !busy {
			break
		}
	}
	return out
}

// readPool is the connection pool of the reference and floor queries: what Grafana's PostgreSQL
// datasource would hold. Each statement runs in a read-only transaction with the plugin's own
// session settings (work_mem 64MB, JIT off; see pkg/database), so the comparison is SQL against SQL.
func readPool(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = 4
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	return pgxpool.NewWithConfig(ctx, cfg)
}

func readRows(ctx context.Context, pool *pgxpool.Pool, sql string, args []any) (cols []string, rows [][]any, err error) {
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck
	if _, err := tx.Exec(ctx, "SET LOCAL work_mem = '64MB'; SET LOCAL jit = off; SET LOCAL statement_timeout = '300s'"); err != nil {
		return nil, nil, err
	}
	r, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	for _, fd := range r.FieldDescriptions() {
		cols = append(cols, fd.Name)
	}
	for r.Next() {
		vals, err := r.Values()
		if err != nil {
			return nil, nil, err
		}
		rows = append(rows, vals)
	}
	return cols, rows, r.Err()
}

// yardstickSQL is a fixed statement that reads no table: one core's speed at PostgreSQL's
// executor and numeric arithmetic, what most views spend their time on. The suites of different
// days ran on machines up to twice as fast as one another (docs/performance.md); its time, printed
// before and after the views, says which kind of machine a table comes from, and whether the
// machine changed speed during the run.
const yardstickSQL = "SELECT sum(x::numeric) FROM generate_series(1, 5000000) AS x"

func printYardstick(ctx context.Context, pool *pgxpool.Pool, when string) {
	t := measure(ctx, 5, time.Minute, func() error { _, _, err := readRows(ctx, pool, yardstickSQL, nil); return err })
	if t.err != nil {
		fmt.Printf("   machine yardstick (%s): %v\n", when, t.err)
		return
	}
	fmt.Printf("   machine yardstick (%s): %s ms p50 of %d runs (%s: one core, no table)\n", when, ms(t.p(0.5)), len(t.runs), yardstickSQL)
}

// floorSQL is the floor of a view: the plainest aggregate over the same valid orders.
func floorSQL(kind string) (string, bool) {
	switch kind {
	case "period":
		return "SELECT count(*), sum(total) FROM commerce.orders WHERE is_valid AND placed_at >= $1 AND placed_at < $2", true
	case "asof":
		return "SELECT count(*), sum(total) FROM commerce.orders WHERE is_valid AND placed_at < $2 AND $1::timestamptz IS NOT NULL", true
	}
	return "", false
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d.Microseconds())/1000) }

func ratioText(a, b time.Duration) string {
	if b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(a)/float64(b))
}

func runSuite(ctx context.Context, o options) error {
	d, err := newDatasource(ctx, o.dsn, map[string]any{"cacheTTLSeconds": 0, "statementTimeoutSeconds": o.timeout})
	if err != nil {
		return err
	}
	defer d.Dispose()
	pool, err := readPool(ctx, o.dsn)
	if err != nil {
		return err
	}
	defer pool.Close()
	var orders, customers int64
	if err := pool.QueryRow(ctx, "SELECT (SELECT count(*) FROM commerce.orders), (SELECT count(*) FROM commerce.customers)").Scan(&orders, &customers); err != nil {
		return fmt.Errorf("the database has no demo shop: %w", err)
	}
	host, _ := os.Hostname()
	fmt.Printf("\n== Benchmark suite: %d customers, %d orders; shop end %s (UTC); %d timed runs per view after 1 warm-up (timing budget %s per view); cache off; %s, %s\n",
		customers, orders, o.end.Format("2006-01-02"), o.runs, o.budget, host, time.Now().Format("2006-01-02 15:04"))
	fmt.Println("   plugin = QueryData of an in-process datasource; ref = the reference SQL in bench/reference; floor = count(*), sum(total) over the same valid orders")
	fmt.Println("   targets: plugin p50 <= 1 s, plugin p50 <= ref p50 (ratio <= 1)")
	printYardstick(ctx, pool, "before the views")
	fmt.Println()
	header := fmt.Sprintf("%-16s %-44s %4s %9s %9s %9s %9s %9s %6s  %-9s %s", "query type", "view", "n", "p50 ms", "p95 ms", "ref p50", "floor p50", "vs ref", "vs fl", "check", "targets")
	fmt.Println(header)
	fmt.Println(strings.Repeat("-", len(header)+6))
	mismatches, failures, over := 0, 0, 0
	var reports []string
	for _, v := range views {
		if o.only != nil && !o.only.MatchString(v.qt+" "+v.name) {
			continue
		}
		tr := o.rangeOf(v.days)
		q := backend.DataQuery{RefID: "A", QueryType: v.qt, JSON: []byte(v.json), TimeRange: tr, Interval: interval(v.days), MaxDataPoints: 1000}
		var last *backend.QueryDataResponse
		plugin := func() error {
			r, err := queryOnce(ctx, d, []backend.DataQuery{q})
			last = r
			return err
		}
		args := []any{tr.From, tr.To}
		refCell, floorCell, vsRef, vsFloor, check := "-", "-", "-", "-", "-"
		// The plugin, its reference and its floor are timed in turn, one run of each per round,
		// so that the ratios compare runs made under the same load of a shared machine (its speed
		// was seen to change by half from one minute to the next).
		things := []timed{{budget: o.budget / 2, fn: plugin}}
		var cols []string
		var rows [][]any
		var ref reference
		refAt, floorAt := -1, -1
		var refErr error
		if v.ref != "" {
			if ref, refErr = loadReference(filepath.Join(o.refDir, v.ref+".sql")); refErr == nil {
				refArgs := ref.bind(tr.From, tr.To, v.model())
				refAt = len(things)
				things = append(things, timed{budget: o.budget * 2 / 5, fn: func() error {
					var err error
					cols, rows, err = readRows(ctx, pool, ref.sql, refArgs)
					return err
				}})
			}
		}
		if sql, ok := floorSQL(v.floor); ok {
			floorAt = len(things)
			things = append(things, timed{budget: o.budget / 10, fn: func() error { _, _, err := readRows(ctx, pool, sql, args); return err }})
		}
		ts := measureInTurn(ctx, o.runs, things)
		pt := ts[0]
		var rt timing
		if v.ref != "" && pt.err == nil {
			if refErr != nil {
				rt.err = refErr
			} else {
				rt = ts[refAt]
				if rt.err == nil {
					if diffs := compare(cols, ref.keys, rows, last.Responses["A"].Frames); len(diffs) > 0 {
						check = "MISMATCH"
						mismatches++
						reports = append(reports, fmt.Sprintf("MISMATCH %s %s (bench/reference/%s.sql):\n  %s", v.qt, v.name, v.ref, strings.Join(diffs, "\n  ")))
					} else {
						check = "match"
					}
				}
			}
			if rt.err != nil {
				check = "REF ERROR"
				failures++
				fmt.Printf("reference %s: %v\n", v.ref, rt.err)
			} else {
				refCell = ms(rt.p(0.5))
				vsRef = ratioText(pt.p(0.5), rt.p(0.5))
			}
		}
		if floorAt >= 0 && pt.err == nil {
			if ft := ts[floorAt]; ft.err == nil {
				floorCell = ms(ft.p(0.5))
				vsFloor = ratioText(pt.p(0.5), ft.p(0.5))
			}
		}
		if pt.err != nil {
			failures++
			fmt.Printf("%-16s %-44s ERROR %v\n", v.qt, v.name, pt.err)
			continue
		}
		marks := []string{}
		if pt.p(0.5) <= viewTarget {
			marks = append(marks, "1s:ok")
		} else {
			marks = append(marks, "1s:OVER")
			over++
		}
		if refCell != "-" {
			if pt.p(0.5) <= rt.p(0.5) {
				marks = append(marks, "ref:ok")
			} else {
				marks = append(marks, "ref:OVER")
				over++
			}
		}
		fmt.Printf("%-16s %-44s %4d %9s %9s %9s %9s %9s %6s  %-9s %s\n", v.qt, v.name, len(pt.runs), ms(pt.p(0.5)), ms(pt.p(0.95)), refCell, floorCell, vsRef, vsFloor, check, strings.Join(marks, " "))
	}

	for _, r := range reports {
		fmt.Println()
		fmt.Println(r)
	}
	fmt.Println()
	if err := dashboardBench(ctx, o, d); err != nil {
		fmt.Println("dashboard benchmark:", err)
		failures++
	}
	if o.rss {
		if err := rssBench(ctx, o); err != nil {
			fmt.Println("plugin memory:", err)
			failures++
		}
	}
	printYardstick(ctx, pool, "after the suite")
	fmt.Printf("\n%d views over a target, %d reference mismatches, %d errors\n", over, mismatches, failures)
	if mismatches > 0 || failures > 0 {
		return fmt.Errorf("%d MISMATCH(es) between the plugin and the reference SQL, %d error(s)", mismatches, failures)
	}
	return nil
}

// runDescribe prints the frames of the selected views: for writing reference queries.
func runDescribe(ctx context.Context, o options) error {
	d, err := newDatasource(ctx, o.dsn, map[string]any{"cacheTTLSeconds": 0, "statementTimeoutSeconds": o.timeout})
	if err != nil {
		return err
	}
	defer d.Dispose()
	for _, v := range views {
		if o.only != nil && !o.only.MatchString(v.qt+" "+v.name) {
			continue
		}
		tr := o.rangeOf(v.days)
		q := backend.DataQuery{RefID: "A", QueryType: v.qt, JSON: []byte(v.json), TimeRange: tr, Interval: interval(v.days), MaxDataPoints: 1000}
		resp, err := queryOnce(ctx, d, []backend.DataQuery{q})
		if err != nil {
			fmt.Printf("%s %s: %v\n", v.qt, v.name, err)
			continue
		}
		for _, f := range resp.Responses["A"].Frames {
			s, _ := f.StringTable(12, 6)
			fmt.Printf("== %s %s %s\n%s\n", v.qt, v.name, tr.From.Format("2006-01-02"), s)
		}
	}
	return nil
}
