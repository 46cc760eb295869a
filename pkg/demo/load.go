package demo

import (
	"context"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/storelens/customer-analytics-datasource/pkg/contract"
)

// Stats says what Load wrote and how long it took.
type Stats struct {
	Customers int
	Tables    []TableStats  // in load order
	Indexes   time.Duration // creating the contract's indexes, the order history and ANALYZE
	Elapsed   time.Duration // the whole load, commit included
}

// TableStats is one table's share of a load.
type TableStats struct {
	Table   string
	Rows    int64
	Elapsed time.Duration
}

// Rows returns the rows loaded into table (0 for an unknown table).
func (s Stats) Rows(table string) int64 {
	for _, t := range s.Tables {
		if t.Table == table {
			return t.Rows
		}
	}
	return 0
}

// TotalRows returns the rows loaded into all tables.
func (s Stats) TotalRows() int64 {
	n := int64(0)
	for _, t := range s.Tables {
		n += t.Rows
	}
	return n
}

// Load creates the commerce contract (schema "commerce", which must not hold the contract tables
// yet) on conn and fills it with the demo shop of cfg, then creates the contract's indexes. All of
// it runs in one transaction, so a failed load leaves nothing behind. Rows are generated while
// they are copied, one customer at a time, so memory stays flat whatever the shop size. Progress
// lines go to progress when it is not nil. The session's search_path is left as it was.
func Load(ctx context.Context, conn *pgx.Conn, cfg Config, progress io.Writer) (Stats, error) {
	begin := time.Now()
	s, err := newShop(cfg)
	if err != nil {
		return Stats{}, err
	}
	logf := func(format string, args ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format+"\n", args...)
		}
	}
	stats := Stats{Customers: s.cfg.Customers}

	var searchPath string
	if err := conn.QueryRow(ctx, "SELECT current_setting('search_path')").Scan(&searchPath); err != nil {
		return stats, fmt.Errorf("demo: read search_path: %w", err)
	}
	// Every commit of the load waits for its WAL flush, even where the server commits
	// asynchronously (pgserver's throwaway and benchmark servers do). VACUUM marks a page
	// all-visible only once it may set its tuples' committed hint bits, and PostgreSQL refuses
	// until the commit's WAL is flushed; it reads that LSN per group of 32 transaction ids, so
	// the asynchronous commits of VACUUM (ANALYZE)'s own statistics, right after the load's, held
	// back the load's rows too. Left asynchronous, the VACUUM below left most pages unmarked
	// (2026-12-03: customers 3784 of 10824 pages at 1M, 650k heap fetches per index-only scan).
	var syncCommit string
	if err := conn.QueryRow(ctx, "SELECT current_setting('synchronous_commit'), set_config('synchronous_commit', 'on', false)").Scan(&syncCommit, nil); err != nil {
		return stats, fmt.Errorf("demo: synchronous commit: %w", err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return stats, fmt.Errorf("demo: begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if err := contract.Create(ctx, conn, false); err != nil {
		return stats, fmt.Errorf("demo: %w", err)
	}
	logf("demo: loading a shop of %d customers (seed %d, %d years to %s, %s)",
		s.cfg.Customers, s.cfg.Seed, s.cfg.Years, s.cfg.End.In(s.cfg.TimeZone).Format(time.RFC3339), s.cfg.TimeZone)

	for _, t := range tables {
		start := time.Now()
		src := t.source(s)
		if cs, ok := src.(*customerSource); ok && s.cfg.Customers >= 2*progressEvery {
			cs.tick = func(id int64, rows int64) {
				logf("demo:   %-13s %8d/%d customers, %d rows, %s", t.name, id, s.cfg.Customers, rows, time.Since(start).Round(time.Millisecond))
			}
		}
		n, err := conn.CopyFrom(ctx, pgx.Identifier{contract.DefaultSchema, t.name}, t.columns, src)
		if err != nil {
			return stats, fmt.Errorf("demo: copy %s: %w", t.name, err)
		}
		el := time.Since(start)
		stats.Tables = append(stats.Tables, TableStats{Table: t.name, Rows: n, Elapsed: el})
		logf("demo: %-13s %10d rows in %7s (%.0f rows/s)", t.name, n, el.Round(time.Millisecond), float64(n)/max(el.Seconds(), 1e-9))
	}

	start := time.Now()
	if err := contract.CreateIndexes(ctx, conn); err != nil {
		return stats, fmt.Errorf("demo: %w", err)
	}
	if err := contract.CreateHistoryInZone(ctx, conn, s.cfg.TimeZone.String()); err != nil {
		return stats, fmt.Errorf("demo: %w", err)
	}
	stats.Indexes = time.Since(start)
	logf("demo: indexes, order history and ANALYZE in %s", stats.Indexes.Round(time.Millisecond))
	if err := tx.Commit(ctx); err != nil {
		return stats, fmt.Errorf("demo: commit: %w", err)
	}
	// VACUUM sets the visibility map, so the queries' index-only scans read no heap pages, as
	// they would on a shop whose tables autovacuum has long visited. It cannot run in a transaction.
	start = time.Now()
	if _, err := conn.Exec(ctx, "VACUUM (ANALYZE) commerce.customers, commerce.orders, commerce.order_items, commerce.products, commerce.accounts, commerce.content, commerce.follows, commerce.content_views, commerce.email_events, commerce.order_history"); err != nil {
		return stats, fmt.Errorf("demo: vacuum: %w", err)
	}
	// Other sessions' asynchronous commits can still hold back the hint bits (on a shared server,
	// such as the test command's): those tables are vacuumed once more, after a flush.
	if err := SettleVisibility(ctx, conn, progress); err != nil {
		return stats, fmt.Errorf("demo: %w", err)
	}
	logf("demo: VACUUM in %s", time.Since(start).Round(time.Millisecond))
	if _, err := conn.Exec(ctx, "SELECT set_config('search_path', $1, false), set_config('synchronous_commit', $2, false)", searchPath, syncCommit); err != nil {
		return stats, fmt.Errorf("demo: restore search_path and synchronous_commit: %w", err)
	}
	stats.Elapsed = time.Since(begin)
	logf("demo: %d rows in %s", stats.TotalRows(), stats.Elapsed.Round(time.Millisecond))
	return stats, nil
}

// progressEvery is how many customers pass between progress lines within a table.
const progressEvery = 100_000

// table is one contract table and how to stream its rows.
type table struct {
	name    string
	columns []string
	source  func(s *shop) pgx.CopyFromSource
}

// tables lists what Load copies, in order; the columns are the contract's.
var tables = []table{
	{"products", []string{"product_id", "name", "category", "attributes"}, func(s *shop) pgx.CopyFromSource {
		return newSliceSource(len(s.products), func(i int, v []any) {
			p := &s.products[i]
			v[0], v[1], v[2], v[3] = p.id, p.name, categoryNames[p.category], p.attributes
		}, 4)
	}},
	{"accounts", []string{"account_id", "name", "kind"}, func(s *shop) pgx.CopyFromSource {
		return newSliceSource(len(accounts), func(i int, v []any) {
			a := &accounts[i]
			v[0], v[1], v[2] = a.id, a.name, a.kind
		}, 3)
	}},
	{"content", []string{"content_id", "account_id", "kind", "title", "category", "published_at"}, func(s *shop) pgx.CopyFromSource {
		return newSliceSource(len(s.content), func(i int, v []any) {
			c := &s.content[i]
			v[0], v[1], v[2], v[3], v[4], v[5] = c.id, accounts[c.account].id, contentKindNames[c.kind], c.title, categoryNames[c.category], ts(c.published)
		}, 6)
	}},
	{"customers", []string{"customer_id", "created_at", "birth_year", "gender", "country", "region", "city", "device_price", "email_opt_in"}, func(s *shop) pgx.CopyFromSource {
		return newCustomerSource(s, 9, func(g *gen) int {
			return 1
		}, func(g *gen, _ int, v []any) {
			p := &g.p
			v[0], v[1] = p.id, ts(p.created)
			v[2], v[3], v[4], v[5], v[6], v[7], v[8] = nil, text(genders[p.gender]), nil, nil, nil, nil, nil
			if p.birthYear != 0 {
				v[2] = int32(p.birthYear)
			}
			if p.country >= 0 {
				c := &countries[p.country]
				v[4] = c.code
				if p.region >= 0 {
					rg := &c.regions[p.region]
					v[5] = rg.name
					if p.city >= 0 {
						v[6] = rg.cities[p.city]
					}
				}
			}
			if p.devicePrice >= 0 {
				v[7] = money(p.devicePrice)
			}
			if p.optIn >= 0 {
				v[8] = p.optIn == 1
			}
		})
	}},
	{"orders", []string{"order_id", "customer_id", "placed_at", "is_valid", "total", "channel", "content_id", "store_id", "source_medium", "source_name", "source_campaign", "source_domain", "device_type", "coupon_code"}, func(s *shop) pgx.CopyFromSource {
		return newCustomerSource(s, 14, func(g *gen) int {
			g.makeFollows()
			g.makeOrders()
			return len(g.orders)
		}, func(g *gen, i int, v []any) {
			o := &g.orders[i]
			v[0], v[1], v[2], v[3], v[4] = o.id, g.p.id, ts(o.placed), o.valid, money(o.totalCents)
			v[5], v[6], v[7] = text(channelNames[o.channel]), nil, stores[o.store]
			if o.content != 0 {
				v[6] = o.content
			}
			v[8], v[9], v[10], v[11] = text(o.medium), text(o.name), text(o.campaign), text(o.domain)
			v[12], v[13] = text(o.device), text(o.coupon)
		})
	}},
	{"order_items", []string{"order_id", "product_id", "quantity", "unit_price"}, func(s *shop) pgx.CopyFromSource {
		return newCustomerSource(s, 4, func(g *gen) int {
			g.makeFollows()
			g.makeOrders()
			return len(g.items)
		}, func(g *gen, i int, v []any) {
			it := &g.items[i]
			v[0], v[1], v[2], v[3] = it.order, it.product, it.quantity, money(it.unitCents)
		})
	}},
	{"follows", []string{"account_id", "customer_id", "followed_at", "unfollowed_at", "source", "content_id"}, func(s *shop) pgx.CopyFromSource {
		return newCustomerSource(s, 6, func(g *gen) int {
			g.makeFollows()
			return len(g.follows)
		}, func(g *gen, i int, v []any) {
			f := &g.follows[i]
			v[0], v[1], v[2], v[3], v[4], v[5] = accounts[f.account].id, g.p.id, ts(f.at), nil, f.source, nil
			if f.until != 0 {
				v[3] = ts(f.until)
			}
			if f.content != 0 {
				v[5] = f.content
			}
		})
	}},
	{"content_views", []string{"customer_id", "content_id", "viewed_at"}, func(s *shop) pgx.CopyFromSource {
		return newCustomerSource(s, 3, func(g *gen) int {
			g.makeFollows()
			g.makeViews()
			return len(g.views)
		}, func(g *gen, i int, v []any) {
			w := &g.views[i]
			v[0], v[1], v[2] = g.p.id, w.content, ts(w.at)
		})
	}},
	{"email_events", []string{"customer_id", "kind", "occurred_at"}, func(s *shop) pgx.CopyFromSource {
		return newCustomerSource(s, 3, func(g *gen) int {
			g.makeEmails()
			return len(g.emails)
		}, func(g *gen, i int, v []any) {
			e := &g.emails[i]
			v[0], v[1], v[2] = g.p.id, emailKindNames[e.kind], ts(e.at)
		})
	}},
}

// ts turns unix seconds into a timestamptz value.
func ts(t int64) time.Time { return time.Unix(t, 0).UTC() }

// text turns "" into NULL.
func text(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// money is an amount in cents, sent as numeric with two decimals.
type money int64

// NumericValue implements pgtype.NumericValuer.
func (m money) NumericValue() (pgtype.Numeric, error) {
	return pgtype.Numeric{Int: big.NewInt(int64(m)), Exp: -2, Valid: true}, nil
}

// sliceSource streams n shop-wide rows.
type sliceSource struct {
	n, i int
	row  func(i int, v []any)
	vals []any
}

func newSliceSource(n int, row func(i int, v []any), columns int) *sliceSource {
	return &sliceSource{n: n, i: -1, row: row, vals: make([]any, columns)}
}

func (s *sliceSource) Next() bool { s.i++; return s.i < s.n }

func (s *sliceSource) Values() ([]any, error) { s.row(s.i, s.vals); return s.vals, nil }

func (s *sliceSource) Err() error { return nil }

// customerSource streams a per-customer table: for each customer id in order it regenerates the
// profile and whatever fill needs, then hands out the customer's rows.
type customerSource struct {
	g          *gen
	n, id      int64
	rows       int64
	count, pos int
	fill       func(g *gen) int
	row        func(g *gen, i int, v []any)
	vals       []any
	tick       func(id, rows int64)
}

func newCustomerSource(s *shop, columns int, fill func(g *gen) int, row func(g *gen, i int, v []any)) *customerSource {
	return &customerSource{g: newGen(s), n: int64(s.cfg.Customers), fill: fill, row: row, vals: make([]any, columns)}
}

func (c *customerSource) Next() bool {
	for c.pos >= c.count {
		if c.id >= c.n {
			return false
		}
		if c.tick != nil && c.id > 0 && c.id%progressEvery == 0 {
			c.tick(c.id, c.rows)
		}
		c.id++
		c.g.profile(c.id)
		c.count, c.pos = c.fill(c.g), 0
	}
	c.pos++
	c.rows++
	return true
}

func (c *customerSource) Values() ([]any, error) {
	c.row(c.g, c.pos-1, c.vals)
	return c.vals, nil
}

func (c *customerSource) Err() error { return nil }

// SettleVisibility vacuums again each table of the contract schema whose visibility map is
// incomplete by pg_class.relallvisible, so index-only scans read no heap pages, as on a shop
// autovacuum has long visited. It first flushes the WAL (a synchronous commit flushes every
// record before its own), so the hint bits VACUUM needs can be set (see Load). Load calls it for
// tables that other sessions' asynchronous commits held back, right after its own VACUUM, when
// relallvisible is fresh. Progress lines go to progress (nil: none).
func SettleVisibility(ctx context.Context, conn *pgx.Conn, progress io.Writer) error {
	return vacuumTables(ctx, conn, progress, `SELECT c.oid::regclass::text FROM pg_class c
		WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r' AND c.relallvisible < c.relpages
		ORDER BY 1`, "its visibility map was incomplete")
}

// VacuumSchema vacuums every table of the contract schema, for a shop loaded earlier and used
// since (the benchmark's, reused). relallvisible cannot tell whether such a shop's visibility map
// is complete: it is set by VACUUM and ANALYZE only, and any write since, even one rolled back,
// clears the bits of the pages it touched (a trigger experiment on the bench shop left 285k of
// the order history's 827k current rows to be read from the heap). VACUUM skips the pages still
// all-visible, so on an untouched 1M shop this takes about half a second.
func VacuumSchema(ctx context.Context, conn *pgx.Conn, progress io.Writer) error {
	return vacuumTables(ctx, conn, progress, `SELECT c.oid::regclass::text FROM pg_class c
		WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r'
		ORDER BY 1`, "a reused shop")
}

// vacuumTables vacuums the tables the query names (it takes the schema as $1), after a WAL flush.
func vacuumTables(ctx context.Context, conn *pgx.Conn, progress io.Writer, query, why string) error {
	rows, err := conn.Query(ctx, query, contract.DefaultSchema)
	if err != nil {
		return fmt.Errorf("visibility map: %w", err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("visibility map: %w", err)
	}
	if len(tables) == 0 {
		return nil
	}
	if err := flushWAL(ctx, conn); err != nil {
		return fmt.Errorf("visibility map: %w", err)
	}
	start := time.Now()
	for _, t := range tables {
		// t is a name PostgreSQL itself quoted (regclass output), not user input.
		if _, err := conn.Exec(ctx, "VACUUM "+t); err != nil {
			return fmt.Errorf("vacuum %s: %w", t, err)
		}
	}
	if progress != nil {
		fmt.Fprintf(progress, "demo: VACUUM %s (%s) in %s\n", strings.Join(tables, ", "), why, time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// flushWAL commits a transaction that has an id synchronously, which waits until the WAL up to
// its commit record, and so every commit before it, is flushed.
func flushWAL(ctx context.Context, conn *pgx.Conn) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after Commit
	if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "SELECT pg_current_xact_id()"); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
