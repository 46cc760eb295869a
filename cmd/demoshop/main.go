// Command demoshop loads a fresh, deterministic demo shop into a PostgreSQL database, in the
// commerce contract the datasource reads:
//
//	go run ./cmd/demoshop -dsn postgres://user@host/db -customers 100000 -seed 42 -end 2026-11-23 -tz Europe/Berlin
//
// It refuses to touch a database whose schema "commerce" already has tables or views, unless
// -replace is given, which drops the schema (CASCADE) first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
	"github.com/storelens/customer-analytics-datasource/pkg/demo"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "demoshop:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("demoshop", flag.ContinueOnError)
	dsn := fs.String("dsn", os.Getenv("DATABASE_URL"), "PostgreSQL connection string (default $DATABASE_URL)")
	customers := fs.Int("customers", 100_000, "number of contacts (leads included)")
	seed := fs.Uint64("seed", 42, "random seed; the same flags always give the same shop")
	endFlag := fs.String("end", "", "exclusive end of the history, YYYY-MM-DD in -tz (default: today, i.e. history up to today's midnight)")
	years := fs.Int("years", 3, "years of history before -end")
	tzName := fs.String("tz", "UTC", "the shop's IANA time zone (days, weeks and hours of activity)")
	replace := fs.Bool("replace", false, "drop schema commerce (CASCADE) first if it already has tables")
	quiet := fs.Bool("quiet", false, "print only the summary")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *dsn == "" {
		return errors.New("-dsn is required (or set DATABASE_URL)")
	}
	loc, err := time.LoadLocation(*tzName)
	if err != nil {
		return fmt.Errorf("-tz: %w", err)
	}
	var end time.Time
	if *endFlag == "" {
		y, m, d := time.Now().In(loc).Date()
		end = time.Date(y, m, d, 0, 0, 0, 0, loc)
	} else if end, err = time.ParseInLocation(time.DateOnly, *endFlag, loc); err != nil {
		return fmt.Errorf("-end: want YYYY-MM-DD: %w", err)
	}

	cfg := demo.Config{Customers: *customers, Seed: *seed, End: end, Years: *years, TimeZone: loc}
	if err := cfg.Validate(); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	conn, err := pgx.Connect(ctx, *dsn)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())

	existing, err := relationsIn(ctx, conn, contract.DefaultSchema)
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		if !*replace {
			return fmt.Errorf("schema %s already has %d tables or views (%s); rerun with -replace to drop the schema and load a fresh demo shop",
				contract.DefaultSchema, len(existing), strings.Join(existing, ", "))
		}
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{contract.DefaultSchema}.Sanitize()+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", contract.DefaultSchema, err)
		}
		fmt.Fprintf(os.Stderr, "demoshop: dropped schema %s (%d relations)\n", contract.DefaultSchema, len(existing))
	}

	var progress io.Writer = os.Stderr
	if *quiet {
		progress = nil
	}
	stats, err := demo.Load(ctx, conn, cfg, progress)
	if err != nil {
		return err
	}
	fmt.Printf("loaded %d customers, %d orders, %d rows in %s\n",
		stats.Customers, stats.Rows("orders"), stats.TotalRows(), stats.Elapsed.Round(time.Millisecond))
	return nil
}

// relationsIn lists the tables and views of schema.
func relationsIn(ctx context.Context, conn *pgx.Conn, schema string) ([]string, error) {
	rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, schema)
	if err != nil {
		return nil, fmt.Errorf("list schema %s: %w", schema, err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list schema %s: %w", schema, err)
	}
	return names, nil
}
