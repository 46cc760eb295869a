// Package pgserver starts a throwaway PostgreSQL server on a free loopback port, for the demo, the
// benchmarks and the tests. It runs the Debian server binaries (or any given with PG_BIN) and, when
// started as root, runs the server as an unprivileged user because PostgreSQL refuses to run as root.
package pgserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options says where and how to run the server. The zero value runs a throwaway server in a new
// temporary folder that Stop removes.
type Options struct {
	// Dir holds the data directory and the log. Empty: a new temporary folder, removed by Stop.
	// A Dir that already holds a data directory is reused (its data kept), so a benchmark shop
	// loaded once survives across runs.
	Dir string
	// Port to listen on at 127.0.0.1; 0 picks a free one.
	Port int
	// Settings are extra server settings (name → value), e.g. "ssl": "on".
	Settings map[string]string
	// Log receives one-line progress messages; nil is silent.
	Log func(format string, args ...any)
}

// Server is a running PostgreSQL server.
type Server struct {
	Dir       string
	Port      int
	cmd       *exec.Cmd
	done      chan struct{}
	waitErr   error
	removeDir bool
}

// ErrNotInstalled says the PostgreSQL server binaries were not found.
var ErrNotInstalled = errors.New("PostgreSQL server binaries not found: install them (apt-get install postgresql-15) or set PG_BIN to the folder holding initdb and postgres")

// BinDir finds the folder of initdb and postgres: PG_BIN, then Debian's /usr/lib/postgresql/N/bin
// (newest first), then PATH.
func BinDir() (string, error) {
	if d := os.Getenv("PG_BIN"); d != "" {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err != nil {
			return "", fmt.Errorf("PG_BIN=%s has no initdb: %w", d, err)
		}
		return d, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(matches, func(i, j int) bool { return pgMajor(matches[i]) > pgMajor(matches[j]) })
	if len(matches) > 0 {
		return filepath.Dir(matches[0]), nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNotInstalled
}

func pgMajor(initdbPath string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdbPath))))
	return n
}

// Start initialises (unless Dir already holds one) and starts a server, and waits until it accepts
// connections.
func Start(ctx context.Context, opts Options) (*Server, error) {
	logf := opts.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	s := &Server{Dir: opts.Dir, Port: opts.Port, done: make(chan struct{})}
	if s.Dir == "" {
		if s.Dir, err = os.MkdirTemp("", "customer-analytics-pg-"); err != nil {
			return nil, fmt.Errorf("pgserver: temp dir: %w", err)
		}
		s.removeDir = true
	} else if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("pgserver: %w", err)
	}
	cred, err := serverCredential(s.Dir)
	if err != nil {
		s.cleanup()
		return nil, err
	}
	data := filepath.Join(s.Dir, "data")
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		logf("initialising PostgreSQL in %s", data)
		initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres",
			"-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
		initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := initdb.CombinedOutput(); err != nil {
			s.cleanup()
			return nil, fmt.Errorf("pgserver: initdb: %w: %s", err, bytes.TrimSpace(out))
		}
	}
	if s.Port == 0 {
		if s.Port, err = freePort(); err != nil {
			s.cleanup()
			return nil, err
		}
	}
	args := []string{"-D", data, "-p", strconv.Itoa(s.Port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
		// A throwaway server: durability is not worth the time.
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=300", "-c", "shared_buffers=256MB", "-c", "maintenance_work_mem=256MB",
		"-c", "max_wal_size=4GB", "-c", "log_min_messages=warning"}
	names := make([]string, 0, len(opts.Settings))
	for k := range opts.Settings {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		args = append(args, "-c", k+"="+opts.Settings[k])
	}
	logFile, err := os.OpenFile(filepath.Join(s.Dir, "postgres.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		s.cleanup()
		return nil, fmt.Errorf("pgserver: log: %w", err)
	}
	s.cmd = exec.Command(filepath.Join(bin, "postgres"), args...)
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	// Own process group: a Ctrl-C in the terminal reaches us, and we shut the server down in order.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
	if err := s.cmd.Start(); err != nil {
		logFile.Close()
		s.cleanup()
		return nil, fmt.Errorf("pgserver: start postgres: %w", err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		logFile.Close()
		close(s.done)
	}()
	if err := s.waitReady(ctx, 60*time.Second); err != nil {
		s.Stop()
		return nil, err
	}
	logf("PostgreSQL listening on 127.0.0.1:%d", s.Port)
	return s, nil
}

// DSN returns a connection string for database db (empty: postgres) as the superuser.
func (s *Server) DSN(db string) string {
	if db == "" {
		db = "postgres"
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, db)
}

// Done is closed when the server process exits.
func (s *Server) Done() <-chan struct{} { return s.done }

// Stop shuts the server down (fast shutdown, then kill after 15 s) and removes a temporary Dir.
func (s *Server) Stop() error {
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-s.done:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	}
	s.cleanup()
	return nil
}

// Kill stops the server abruptly, as a crash would; the data directory is kept for a restart.
func (s *Server) Kill() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	pm := s.cmd.Process.Pid
	// Every backend calls setsid(), so it is not in the postmaster's process group, and killing
	// only the postmaster leaves the backends serving their open connections until they notice,
	// which is not a crash. Stop the postmaster so that it forks no more, then kill it and its
	// children.
	_ = syscall.Kill(pm, syscall.SIGSTOP)
	children := childrenOf(pm)
	for _, pid := range children {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	_ = syscall.Kill(pm, syscall.SIGKILL)
	<-s.done
	// Until they are gone the backends hold the shared memory, and a restart on the same data
	// directory refuses to start ("pre-existing shared memory block is still in use").
	waitGone(children, 10*time.Second)
}

// childrenOf lists the processes whose parent is pid, reading /proc.
func childrenOf(pid int) []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if state, ppid, ok := procStat(child); ok && ppid == pid && state != "Z" && state != "X" {
			out = append(out, child)
		}
	}
	return out
}

// waitGone waits until none of pids is alive (zombies count as gone: they hold no shared memory,
// and reaping them is their new parent's job), or the limit passes.
func waitGone(pids []int, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for _, pid := range pids {
		for time.Now().Before(deadline) {
			state, _, ok := procStat(pid)
			if !ok || state == "Z" || state == "X" {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// procStat reads a process's state and parent from /proc/PID/stat (ok false: no such process).
func procStat(pid int) (state string, ppid int, ok bool) {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return "", 0, false
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	rest := string(raw)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 2 {
		return "", 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	return f[0], ppid, true
}

func (s *Server) cleanup() {
	if s.removeDir {
		_ = os.RemoveAll(s.Dir)
	}
}

func (s *Server) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(cctx, s.DSN(""))
		cancel()
		if err == nil {
			_ = conn.Close(ctx)
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("pgserver: postgres exited (%v); log: %s", s.waitErr, s.logTail())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pgserver: not ready after %s: %v; log: %s", limit, err, s.logTail())
		}
	}
}

func (s *Server) logTail() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "postgres.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(bytes.TrimSpace(b))
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgserver: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// serverCredential returns nil when we may run the server as ourselves, or, as root, the
// credential of an unprivileged user (postgres if it exists, else nobody) that then owns dir.
func serverCredential(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	var uid, gid int
	found := false
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		found = true
		break
	}
	if !found {
		return nil, errors.New("pgserver: running as root and no unprivileged user (postgres or nobody) to run PostgreSQL as")
	}
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, gid)
	})
	if err != nil {
		return nil, fmt.Errorf("pgserver: give %s to uid %d: %w", dir, uid, err)
	}
	// The server's user must reach dir: make sure no parent is closed to it.
	for p := filepath.Dir(dir); p != "/" && p != "."; p = filepath.Dir(p) {
		if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o001 == 0 {
			return nil, fmt.Errorf("pgserver: %s is not reachable by uid %d (mode %v): choose a Dir under /tmp", p, uid, st.Mode().Perm())
		}
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// Attach returns the server already running on the data directory under dir (started earlier by
// Start with Options{Dir: dir} and left running), or an error when there is none. Stop on an
// attached server leaves it running: it belongs to whoever started it.
func Attach(ctx context.Context, dir string) (*Server, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	if err != nil {
		return nil, fmt.Errorf("pgserver: no server running in %s: %w", dir, err)
	}
	// postmaster.pid: pid, data directory, start time, port, socket dir, listen address, ...
	lines := strings.Split(string(raw), "\n")
	if len(lines) < 4 {
		return nil, fmt.Errorf("pgserver: %s/data/postmaster.pid is incomplete", dir)
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err != nil {
		return nil, fmt.Errorf("pgserver: port in %s/data/postmaster.pid: %w", dir, err)
	}
	s := &Server{Dir: dir, Port: port, done: make(chan struct{})}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, s.DSN(""))
	if err != nil {
		return nil, fmt.Errorf("pgserver: server of %s not answering on port %d: %w", dir, port, err)
	}
	_ = conn.Close(ctx)
	return s, nil
}
