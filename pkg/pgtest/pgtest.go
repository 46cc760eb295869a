// Package pgtest gives tests a real PostgreSQL: a fresh database per test on a server named by
// CA_TEST_DSN (the test command starts one and sets it), or else a throwaway server this test
// binary starts itself and stops in Main.
package pgtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/database"
	"github.com/storelens/customer-analytics-datasource/pkg/pgserver"
)

// EnvDSN names the environment variable holding an admin DSN of a server tests may create
// databases on.
const EnvDSN = "CA_TEST_DSN"

var (
	once     sync.Once
	adminDSN string
	startErr error
	server   *pgserver.Server
	counter  atomic.Int64
)

// Main runs the tests of a package and stops the server it started, if any. Use it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	if server != nil {
		_ = server.Stop()
	}
	return code
}

// AdminDSN returns the DSN of the test server's maintenance database, starting a server if needed.
func AdminDSN(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		if dsn := os.Getenv(EnvDSN); dsn != "" {
			adminDSN = dsn
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		server, startErr = pgserver.Start(ctx, pgserver.Options{})
		if startErr == nil {
			adminDSN = server.DSN("")
		}
	})
	if startErr != nil {
		t.Fatalf("pgtest: no PostgreSQL for tests (set %s or install the server): %v", EnvDSN, startErr)
	}
	return adminDSN
}

// Server returns the server this process started, or nil when tests use CA_TEST_DSN.
func Server() *pgserver.Server { return server }

// NewDatabase creates an empty database for this test, dropped when the test ends, and returns
// its DSN.
func NewDatabase(t testing.TB) string {
	t.Helper()
	return newDatabase(t, "")
}

// NewDatabaseFrom is NewDatabase with a copy of template (a database made by Template).
func NewDatabaseFrom(t testing.TB, template string) string {
	t.Helper()
	return newDatabase(t, template)
}

func newDatabase(t testing.TB, template string) string {
	admin := AdminDSN(t)
	ctx := context.Background()
	name := fmt.Sprintf("t_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9, counter.Add(1))
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	stmt := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		stmt += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if _, err := conn.Exec(ctx, stmt); err != nil {
		t.Fatalf("pgtest: %s: %v", stmt, err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Logf("pgtest: drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Logf("pgtest: drop %s: %v", name, err)
		}
	})
	return WithDatabase(admin, name)
}

// Template returns the name of a database built once per server by build (under an advisory lock,
// so parallel test binaries build it once) to be copied with NewDatabaseFrom.
func Template(t testing.TB, name string, build func(ctx context.Context, dsn string) error) string {
	t.Helper()
	admin := AdminDSN(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(hashtext($1))", name); err != nil {
		t.Fatalf("pgtest: lock: %v", err)
	}
	defer conn.Exec(ctx, "SELECT pg_advisory_unlock(hashtext($1))", name) //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&exists); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if exists {
		return name
	}
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if err := build(ctx, WithDatabase(admin, name)); err != nil {
		t.Fatalf("pgtest: build template %s: %v", name, err)
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+ident+" WITH IS_TEMPLATE true"); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return name
}

// WithDatabase returns dsn pointing at database db instead.
func WithDatabase(dsn, db string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		// key=value form
		return strings.TrimSpace(dsn) + " dbname=" + db
	}
	u.Path = "/" + db
	return u.String()
}

// NewContractDatabase returns the DSN of a fresh database holding the empty commerce contract
// (tables and indexes), copied from a template built once per contract version.
func NewContractDatabase(t testing.TB) string {
	t.Helper()
	name := Template(t, "contract_"+contractHash(), func(ctx context.Context, dsn string) error {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		return contract.Create(ctx, conn, true)
	})
	return NewDatabaseFrom(t, name)
}

// contractHash identifies the contract DDL, for the names of templates built with it.
func contractHash() string {
	sum := sha256.Sum256([]byte(contract.TablesSQL + contract.IndexesSQL + contract.HistorySQL))
	return hex.EncodeToString(sum[:6])
}

// Exec runs statements on dsn, failing the test on error: for fixtures.
func Exec(t testing.TB, dsn string, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("pgtest: %v\n%s", err, sql)
	}
}

// ReaderConfig is the plugin's pool configuration for dsn (a database of the test server):
// the contract in schema, 4 connections, the given statement timeout.
func ReaderConfig(t testing.TB, dsn, schema string, statementTimeout time.Duration) database.Config {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return database.Config{
		Host: cfg.Host, Port: cfg.Port, Database: cfg.Database, User: cfg.User, SSLMode: database.SSLDisable,
		MaxConns: 4, ConnectTimeout: 5 * time.Second, StatementTimeout: statementTimeout, Schema: schema,
	}
}

// OpenDB opens the plugin's read-only pool on dsn with the contract schema and a 30 s statement
// timeout (ReaderConfig); it is closed when t ends.
func OpenDB(t testing.TB, dsn string) *database.DB {
	t.Helper()
	db, err := database.Open(context.Background(), ReaderConfig(t, dsn, contract.DefaultSchema, 30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}
