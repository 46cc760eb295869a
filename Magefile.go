//go:build mage

// Build, demo, test and benchmark targets. Run them with `go run mage.go <target>` (no mage
// install needed) or with mage itself. The targets that need PostgreSQL start a throwaway server.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	sdkbuild "github.com/grafana/grafana-plugin-sdk-go/build"
	"github.com/jackc/pgx/v5"
	"github.com/magefile/mage/mg"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/demo"
	"github.com/storelens/customer-analytics-datasource/pkg/pgserver"
	"github.com/storelens/customer-analytics-datasource/pkg/pgtest"
)

const pluginID = "storelens-customeranalytics-datasource"

func init() {
	// plugin.json lives at the top of the repo, not in src/ where the SDK looks by default.
	_ = sdkbuild.SetBeforeBuildCallback(func(cfg sdkbuild.Config) (sdkbuild.Config, error) {
		cfg.PluginJSONPath = "."
		return cfg, nil
	})
}

// Default target: build everything.
var Default = Build

// Build builds the backend for this platform and the front end into dist/.
func Build() {
	mg.SerialDeps(Frontend, Backend)
}

// Backend builds the plugin binary for this platform into dist/.
func Backend() error {
	return sdkbuild.Build{}.Backend()
}

// BackendAll builds the plugin binaries for every platform Grafana runs on.
func BackendAll() {
	sdkbuild.BuildAll()
}

// Frontend installs the npm packages when needed and builds the front end into dist/.
func Frontend() error {
	if err := npmInstall(); err != nil {
		return err
	}
	return run("npm", "run", "build")
}

// Demo builds the plugin, starts a throwaway PostgreSQL with the demo shop and, when Grafana can be
// found (GRAFANA_HOME or grafana on PATH), Grafana with the plugin and provisioning. Ctrl-C stops
// everything. DEMO_CUSTOMERS (default 50000), DEMO_SEED and DEMO_TZ change the shop.
func Demo() error {
	mg.SerialDeps(Build)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := startPostgres(ctx)
	if err != nil {
		return err
	}
	defer srv.Stop()

	customers := envInt("DEMO_CUSTOMERS", 50000)
	tz := envOr("DEMO_TZ", "UTC")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return fmt.Errorf("DEMO_TZ=%s: %w", tz, err)
	}
	now := time.Now().In(loc)
	cfg := demo.Config{
		Customers: customers,
		Seed:      uint64(envInt("DEMO_SEED", 42)),
		End:       time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc),
		TimeZone:  loc,
	}
	if err := loadDemo(ctx, srv.DSN(""), cfg); err != nil {
		return err
	}
	fmt.Printf("\nDemo shop database: %s (read-only user: grafana_reader)\n", srv.DSN(""))
	fmt.Printf("Built plugin: %s\n", absPath("dist"))

	grafana, home := findGrafana()
	if grafana == "" {
		fmt.Println("Grafana not found (set GRAFANA_HOME or put grafana on PATH; with Docker: docker compose up): PostgreSQL keeps running until Ctrl-C.")
		select {
		case <-ctx.Done():
		case <-srv.Done():
			return errors.New("PostgreSQL stopped unexpectedly")
		}
		fmt.Println("\nstopping")
		return nil
	}
	return runGrafana(ctx, srv, grafana, home, tz)
}

// Test runs every test: Go (with -race) against a real throwaway PostgreSQL (or the server named by
// CA_TEST_DSN), then the front end's typecheck, lint and jest.
func Test() error {
	ctx := context.Background()
	var passed, failed, skipped int
	env := map[string]string{}
	if os.Getenv(pgtest.EnvDSN) == "" {
		srv, err := startPostgres(ctx)
		if err != nil {
			return err
		}
		defer srv.Stop()
		env[pgtest.EnvDSN] = srv.DSN("")
	}
	fmt.Println("== Go tests (race detector on)")
	p, f, s, goErr := goTest(env, "-race", "-count=1", "-timeout", "25m", "./...")
	passed, failed, skipped = passed+p, failed+f, skipped+s
	// A short fuzzing pass on top of the seed corpora (which ran above as plain tests).
	// Budgets are counts of runs, not durations: with a duration, Go 1.26's fuzzing coordinator can
	// report its own deadline as a failure ("context deadline exceeded", no failing input) when a
	// worker is mid-run as time is up (go.dev/issue/75804, fixed in Go 1.27); seen here on
	// 2026-12-03 on a slow machine. Each count is some 5-10 s at the rates measured that day
	// (FuzzParse ~5000 runs/s, FuzzQueryData 600-2600 runs/s).
	for _, fz := range []struct{ target, pkg, runs string }{
		{"FuzzParse", "./pkg/settings", "40000x"},
		{"FuzzQueryData", "./pkg/plugin", "15000x"},
	} {
		if goErr != nil {
			break
		}
		budget := envOr("FUZZTIME", fz.runs)
		fmt.Printf("== Fuzzing %s (-fuzztime %s)\n", fz.target, budget)
		p, f, s, goErr = goTest(env, "-run", "^$", "-fuzz", "^"+fz.target+"$", "-fuzztime", budget, fz.pkg)
		passed, failed, skipped = passed+p, failed+f, skipped+s
	}

	fmt.Println("== Front end: typecheck, lint, jest")
	feErr := npmInstall()
	if feErr == nil {
		feErr = run("npm", "run", "typecheck")
	}
	if feErr == nil {
		feErr = run("npm", "run", "lint")
	}
	if feErr == nil {
		var p, f int
		p, f, feErr = jest()
		passed, failed = passed+p, failed+f
	}
	fmt.Printf("\n%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	switch {
	case goErr != nil:
		return fmt.Errorf("go tests failed: %w", goErr)
	case feErr != nil:
		return fmt.Errorf("front-end checks failed: %w", feErr)
	case failed > 0:
		return fmt.Errorf("%d tests failed", failed)
	}
	return nil
}

// Bench loads the benchmark shop (BENCH_CUSTOMERS, default 1M customers) into the kept benchmark
// PostgreSQL (see benchServer) once, and runs the benchmark suite (cmd/benchsuite): every view of
// every query type through the plugin's QueryData against a reference SQL and the scan floor, the
// Buyers dashboard in one request and the plugin binary's memory. BENCH_RUNS (default 5) sets the
// timed runs per view. BENCH_GO=1 also runs the Go benchmarks (go test -bench) on the same shop.
// It is not part of Test: speed is measured here, never asserted in tests.
func Bench() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	customers := envInt("BENCH_CUSTOMERS", 1_000_000)
	srv, err := benchServer(ctx)
	if err != nil {
		return err
	}
	defer srv.Stop()
	db, err := benchShop(ctx, srv, customers)
	if err != nil {
		return err
	}
	suiteErr := runEnv(nil, "go", "run", "./cmd/benchsuite", "-dsn", srv.DSN(db), "-runs", envOr("BENCH_RUNS", "5"))
	if os.Getenv("BENCH_GO") == "1" {
		// The Go benchmarks find the same shop: benchShop names it as pgtest.DemoTemplate does.
		env := map[string]string{pgtest.EnvDSN: srv.DSN(""), "BENCH_CUSTOMERS": strconv.Itoa(customers)}
		if err := runEnv(env, "go", "test", "-run", "^$", "-bench", ".", "-benchtime", envOr("BENCHTIME", "5x"), "-timeout", "120m", "./..."); err != nil {
			return err
		}
	}
	return suiteErr
}

// LoadBench sends a fixed rate of dashboard requests (BENCH_RATE per second, default 5) for
// BENCH_DURATION (default 60s) through the plugin's QueryData on the 100k-customer benchmark shop
// (BENCH_LOAD_CUSTOMERS changes it), with the result cache at its default and then off, and prints
// throughput, p50/p99 latency and errors.
func LoadBench() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := benchServer(ctx)
	if err != nil {
		return err
	}
	defer srv.Stop()
	db, err := benchShop(ctx, srv, envInt("BENCH_LOAD_CUSTOMERS", 100_000))
	if err != nil {
		return err
	}
	return runEnv(nil, "go", "run", "./cmd/benchsuite", "-dsn", srv.DSN(db), "-load",
		"-rate", envOr("BENCH_RATE", "5"), "-duration", envOr("BENCH_DURATION", "60s"))
}

// benchDir is where the benchmark PostgreSQL keeps its data between runs: BENCH_PG_DIR, else
// .cache/bench-pg in the repository (gitignored; reachable by the postgres user when we are root,
// unlike root's home).
func benchDir() string {
	if d := os.Getenv("BENCH_PG_DIR"); d != "" {
		return absPath(d)
	}
	return absPath(filepath.Join(".cache", "bench-pg"))
}

// benchServer returns the benchmark PostgreSQL: the one already running on benchDir (left running
// by BENCH_KEEP_PG=1 or started by hand), else a server started on it, stopped when the command
// ends unless BENCH_KEEP_PG=1. Its data directory, and so the loaded shops, are kept either way.
func benchServer(ctx context.Context) (*pgserver.Server, error) {
	dir := benchDir()
	if srv, err := pgserver.Attach(ctx, dir); err == nil {
		fmt.Printf("Benchmark PostgreSQL already running on 127.0.0.1:%d (%s)\n", srv.Port, dir)
		return srv, nil
	}
	if err := installPostgres(); err != nil {
		return nil, err
	}
	opts := pgserver.Options{Dir: dir, Log: func(f string, a ...any) { fmt.Printf(f+"\n", a...) },
		// The benchmark server is kept: with fsync off (pgserver's default) a crash could lose it,
		// which costs only a reload.
		Settings: map[string]string{"shared_buffers": envOr("BENCH_PG_SHARED_BUFFERS", "1GB")}}
	srv, err := pgserver.Start(ctx, opts)
	if err != nil {
		return nil, err
	}
	if os.Getenv("BENCH_KEEP_PG") == "1" {
		fmt.Printf("BENCH_KEEP_PG=1: the benchmark PostgreSQL keeps running after this command (stop it: kill -INT $(head -1 %s))\n",
			filepath.Join(dir, "data", "postmaster.pid"))
		return &pgserver.Server{Dir: srv.Dir, Port: srv.Port}, nil
	}
	return srv, nil
}

// installPostgres installs the Debian server package when it is missing and we are root.
func installPostgres() error {
	if _, err := pgserver.BinDir(); err == nil {
		return nil
	} else if os.Geteuid() != 0 || !has("apt-get") {
		return err
	}
	fmt.Println("PostgreSQL server not found: installing postgresql-15 with apt-get")
	_ = run("apt-get", "update")
	return runEnv(map[string]string{"DEBIAN_FRONTEND": "noninteractive"}, "apt-get", "install", "-y", "--no-install-recommends", "postgresql-15")
}

// benchShop returns the database holding the demo shop of the given size on srv, loading it when it
// is not there yet. Its name carries the size, seed, end and demo.Version (the same name
// pgtest.DemoTemplate uses, so the Go benchmarks reuse it), so a changed generator loads anew;
// shops of older generator versions are dropped.
func benchShop(ctx context.Context, srv *pgserver.Server, customers int) (string, error) {
	name := fmt.Sprintf("demo_%d_seed42_%s_v%d", customers, pgtest.DemoEnd.Format("20060102"), demo.Version)
	conn, err := pgx.Connect(ctx, srv.DSN(""))
	if err != nil {
		return "", err
	}
	defer conn.Close(context.Background())
	// Only benchmark shops of other generator versions: the tests' templates on the same server
	// (CA_TEST_DSN) carry a suffix after the version and are theirs to manage.
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database WHERE datname ~ '^demo_[0-9]+_seed42_[0-9]{8}_v[0-9]+$' AND datname !~ ('_v' || $1::text || '$')`, strconv.Itoa(demo.Version))
	if err != nil {
		return "", err
	}
	stale, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", err
	}
	for _, db := range stale {
		fmt.Printf("Dropping %s (an older demo generator)\n", db)
		// A loaded shop is marked a template, which DROP DATABASE refuses.
		for _, stmt := range []string{"ALTER DATABASE " + pgx.Identifier{db}.Sanitize() + " WITH IS_TEMPLATE false",
			"DROP DATABASE " + pgx.Identifier{db}.Sanitize() + " WITH (FORCE)"} {
			if _, err := conn.Exec(ctx, stmt); err != nil {
				return "", err
			}
		}
	}
	var loaded bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&loaded); err != nil {
		return "", err
	}
	if loaded {
		fmt.Printf("Benchmark shop %s already loaded: not loading it again\n", name)
		if err := addIndexes(ctx, srv.DSN(name)); err != nil {
			return "", err
		}
		if err := addHistory(ctx, srv.DSN(name)); err != nil {
			return "", err
		}
		return name, vacuumShop(ctx, srv.DSN(name))
	}
	// Load under another name and rename at the end, so an interrupted load is never taken for a
	// loaded shop. IS_TEMPLATE marks it complete, as pgtest.Template does.
	loading := name + "_loading"
	for _, stmt := range []string{
		"DROP DATABASE IF EXISTS " + pgx.Identifier{loading}.Sanitize() + " WITH (FORCE)",
		"DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize() + " WITH (FORCE)",
		"CREATE DATABASE " + pgx.Identifier{loading}.Sanitize(),
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return "", err
		}
	}
	start := time.Now()
	fmt.Printf("Loading the benchmark shop %s (%d customers; once, kept in %s)\n", name, customers, srv.Dir)
	lc, err := pgx.Connect(ctx, srv.DSN(loading))
	if err != nil {
		return "", err
	}
	_, err = demo.Load(ctx, lc, demo.Config{Customers: customers, Seed: 42, End: pgtest.DemoEnd}, os.Stdout)
	lc.Close(context.Background())
	if err != nil {
		return "", err
	}
	for _, stmt := range []string{
		"ALTER DATABASE " + pgx.Identifier{loading}.Sanitize() + " RENAME TO " + pgx.Identifier{name}.Sanitize(),
		"ALTER DATABASE " + pgx.Identifier{name}.Sanitize() + " WITH IS_TEMPLATE true",
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return "", err
		}
	}
	fmt.Printf("Loaded %s in %s\n", name, time.Since(start).Round(time.Second))
	return name, nil
}

// vacuumShop completes the visibility map of a reused shop (demo.VacuumSchema): one loaded
// before demo.Load committed synchronously may lack part of it, and any write since (a trigger
// experiment, even rolled back) clears the bits of the pages it touched.
func vacuumShop(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return demo.VacuumSchema(ctx, conn, os.Stdout)
}

// addIndexes creates the indexes of indexes.sql that a benchmark shop loaded before them lacks.
func addIndexes(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	names := contract.IndexNames()
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE schemaname = 'commerce' AND indexname = ANY ($1)`, names).Scan(&n); err != nil {
		return err
	}
	if n == len(names) {
		return nil
	}
	start := time.Now()
	fmt.Println("Creating the benchmark shop's missing indexes (once)")
	if err := contract.CreateIndexes(ctx, conn); err != nil {
		return err
	}
	fmt.Printf("Created in %s\n", time.Since(start).Round(time.Second))
	return nil
}

// addHistory builds order_history in a benchmark shop loaded before the demo loader made it, or
// rebuilds one made before its current columns.
func addHistory(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	// A history built by an earlier history.sql lacks newer columns or indexes: rebuild it then.
	var cols, idxs int
	if err := conn.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM information_schema.columns
		 WHERE table_schema = 'commerce' AND table_name = 'order_history' AND column_name = ANY ($1)),
		(SELECT count(*) FROM pg_indexes
		 WHERE schemaname = 'commerce' AND tablename = 'order_history' AND indexname = ANY ($2))`,
		contract.HistoryColumns, contract.HistoryIndexes).Scan(&cols, &idxs); err != nil {
		return err
	}
	if cols == len(contract.HistoryColumns) && idxs == len(contract.HistoryIndexes) {
		// A history built before history.sql enabled its triggers ALWAYS: the datasource would
		// check it per period as the shop's (contract.HistoryStateSQL), and the benchmark would
		// time those checks. Its rows are the same, so setting the mode is enough.
		rows, err := conn.Query(ctx, `SELECT tgname FROM pg_trigger
			WHERE tgrelid = 'commerce.orders'::regclass AND tgname LIKE 'order_history_%' AND tgenabled <> 'A'`)
		if err != nil {
			return err
		}
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, name := range names {
			if _, err := conn.Exec(ctx, "ALTER TABLE commerce.orders ENABLE ALWAYS TRIGGER "+pgx.Identifier{name}.Sanitize()); err != nil {
				return err
			}
		}
		return nil
	}
	start := time.Now()
	fmt.Println("Building the order history of the benchmark shop (once)")
	if err := contract.CreateHistory(ctx, conn); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "VACUUM (ANALYZE) commerce.order_history"); err != nil {
		return err
	}
	fmt.Printf("Built in %s\n", time.Since(start).Round(time.Second))
	return nil
}

// startPostgres starts a throwaway server, installing the Debian server package first when it is
// missing and we are root.
func startPostgres(ctx context.Context) (*pgserver.Server, error) {
	if _, err := pgserver.BinDir(); err != nil {
		if os.Geteuid() != 0 || !has("apt-get") {
			return nil, err
		}
		fmt.Println("PostgreSQL server not found: installing postgresql-15 with apt-get")
		_ = run("apt-get", "update")
		if err := runEnv(map[string]string{"DEBIAN_FRONTEND": "noninteractive"}, "apt-get", "install", "-y", "--no-install-recommends", "postgresql-15"); err != nil {
			return nil, fmt.Errorf("install postgresql-15: %w", err)
		}
	}
	return pgserver.Start(ctx, pgserver.Options{Log: func(f string, a ...any) { fmt.Printf(f+"\n", a...) }})
}

// loadDemo loads the demo shop and creates the read-only role the provisioned datasource uses.
func loadDemo(ctx context.Context, dsn string, cfg demo.Config) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	fmt.Printf("Loading the demo shop: %d customers, seed %d, history to %s\n", cfg.Customers, cfg.Seed, cfg.End.Format("2006-01-02"))
	if _, err := demo.Load(ctx, conn, cfg, os.Stdout); err != nil {
		return err
	}
	// The datasource reads as a role that can only read the contract: least privilege, as in docs.
	_, err = conn.Exec(ctx, `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'grafana_reader') THEN
    CREATE ROLE grafana_reader LOGIN;
  END IF;
END $$;
GRANT USAGE ON SCHEMA commerce TO grafana_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA commerce TO grafana_reader;`)
	return err
}

// findGrafana returns the Grafana binary and its home path, or "" when there is none.
func findGrafana() (bin, home string) {
	if h := os.Getenv("GRAFANA_HOME"); h != "" {
		for _, name := range []string{"bin/grafana", "bin/grafana-server"} {
			if p := filepath.Join(h, name); isFile(p) {
				return p, h
			}
		}
	}
	for _, name := range []string{"grafana", "grafana-server"} {
		if p, err := exec.LookPath(name); err == nil {
			home := filepath.Dir(filepath.Dir(p))
			if !isFile(filepath.Join(home, "conf", "defaults.ini")) && isFile("/usr/share/grafana/conf/defaults.ini") {
				home = "/usr/share/grafana"
			}
			return p, home
		}
	}
	return "", ""
}

func runGrafana(ctx context.Context, srv *pgserver.Server, bin, home, tz string) error {
	work, err := os.MkdirTemp("", "customer-analytics-grafana-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	plugins := filepath.Join(work, "plugins")
	if err := os.MkdirAll(plugins, 0o755); err != nil {
		return err
	}
	if err := os.Symlink(absPath("dist"), filepath.Join(plugins, pluginID)); err != nil {
		return err
	}
	port := envOr("GRAFANA_PORT", "3000")
	env := map[string]string{
		"GF_PATHS_HOME":         home,
		"GF_PATHS_DATA":         filepath.Join(work, "data"),
		"GF_PATHS_LOGS":         filepath.Join(work, "logs"),
		"GF_PATHS_PLUGINS":      plugins,
		"GF_PATHS_PROVISIONING": absPath("provisioning"),
		"GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS": pluginID,
		"GF_SERVER_HTTP_PORT":                       port,
		"GF_SECURITY_ADMIN_PASSWORD":                "admin",
		"CA_DEMO_PG_HOST":                           "127.0.0.1",
		"CA_DEMO_PG_PORT":                           strconv.Itoa(srv.Port),
		"CA_DEMO_PG_DATABASE":                       "postgres",
		"CA_DEMO_PG_USER":                           "grafana_reader",
		"CA_DEMO_TIMEZONE":                          tz,
		"CA_PROVISIONING_DIR":                       absPath("provisioning"),
	}
	args := []string{"--homepath", home}
	if filepath.Base(bin) == "grafana" {
		args = append([]string{"server"}, args...)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = mergeEnv(env)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 15 * time.Second
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start grafana: %w", err)
	}
	fmt.Printf("Grafana: http://localhost:%s (admin/admin), logs in %s. Ctrl-C stops everything.\n", port, filepath.Join(work, "logs"))
	err = cmd.Wait()
	if ctx.Err() != nil {
		fmt.Println("\nstopping")
		return nil
	}
	return fmt.Errorf("grafana exited: %w", err)
}

// npmInstall runs `npm ci` when node_modules is missing or older than package-lock.json.
func npmInstall() error {
	if !has("npm") || !has("node") {
		return errors.New("Node.js 20+ with npm is needed for the front end: install it (e.g. apt-get install nodejs npm, or from nodejs.org) and re-run")
	}
	marker := filepath.Join("node_modules", ".package-lock.json")
	lock, err := os.Stat("package-lock.json")
	if err != nil {
		return err
	}
	if m, err := os.Stat(marker); err == nil && !m.ModTime().Before(lock.ModTime()) {
		return nil
	}
	return run("npm", "ci", "--no-audit", "--no-fund")
}

// goTest runs go test with -json, prints package results and the output of failing tests only,
// and counts tests.
func goTest(env map[string]string, args ...string) (passed, failed, skipped int, err error) {
	cmd := exec.Command("go", append([]string{"test", "-json"}, args...)...)
	cmd.Env = mergeEnv(env)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return 0, 0, 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, 0, 0, err
	}
	type event struct{ Action, Package, Test, Output string }
	logs := map[string][]string{}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			fmt.Println(sc.Text())
			continue
		}
		key := e.Package + " " + e.Test
		switch {
		case e.Test == "" && e.Action == "output":
			// Package lines: "ok", "FAIL", "?", build errors and panics outside tests.
			if s := e.Output; !strings.HasPrefix(s, "=== ") && !strings.HasPrefix(s, "PASS") && !strings.HasPrefix(s, "FAIL\n") {
				fmt.Print(s)
			}
		case e.Action == "output":
			logs[key] = append(logs[key], e.Output)
		case e.Action == "pass":
			passed++
			delete(logs, key)
		case e.Action == "skip":
			skipped++
			delete(logs, key)
		case e.Action == "fail":
			failed++
			fmt.Print(strings.Join(logs[key], ""))
			delete(logs, key)
		}
	}
	return passed, failed, skipped, cmd.Wait()
}

// jest runs the front-end tests and counts them from jest's JSON report.
func jest() (passed, failed int, err error) {
	report := filepath.Join(os.TempDir(), fmt.Sprintf("jest-%d.json", os.Getpid()))
	defer os.Remove(report)
	runErr := run("npm", "run", "test:ci", "--", "--json", "--outputFile="+report)
	var r struct{ NumPassedTests, NumFailedTests int }
	if b, err := os.ReadFile(report); err == nil {
		_ = json.Unmarshal(b, &r)
	}
	return r.NumPassedTests, r.NumFailedTests, runErr
}

func run(name string, args ...string) error { return runEnv(nil, name, args...) }

func runEnv(env map[string]string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Env = mergeEnv(env)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}

func mergeEnv(env map[string]string) []string {
	out := os.Environ()
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

func has(name string) bool { _, err := exec.LookPath(name); return err == nil }

func isFile(p string) bool { st, err := os.Stat(p); return err == nil && !st.IsDir() }

func absPath(p string) string { a, _ := filepath.Abs(p); return a }

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func envInt(k string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(k)); err == nil {
		return v
	}
	return def
}
