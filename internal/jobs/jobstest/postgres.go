// Package jobstest starts a throwaway PostgreSQL server for tests of the
// job queue on PostgreSQL. It is a test helper: nothing in the binary
// imports it.
package jobstest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/bumpbot/bumpbot/internal/testtool"
)

// binGlob is where Debian and Ubuntu install the server binaries, one
// directory per major version.
const binGlob = "/usr/lib/postgresql/*/bin"

// Cluster is a running PostgreSQL server listening on a unix socket only,
// in a private temporary directory.
type Cluster struct {
	dir  string // data directory, socket and log live under it
	bin  string
	port int
	// asPostgres runs the server binaries as the postgres user: they
	// refuse to run as root.
	asPostgres bool
	dbs        atomic.Int64
	// down is set while Down has the server stopped.
	down bool
	// durable makes a commit wait for its WAL to be written: Down is a
	// crash, and without it the commits of the last few hundred
	// milliseconds, acknowledged to their clients, would be lost, as no
	// real server configured for durability loses them.
	durable bool
}

// Start initializes a new cluster in a temporary directory and starts it.
// It fails with a message saying what to install when no PostgreSQL
// server binaries are found.
func Start() (*Cluster, error) {
	bin, err := findBin()
	if err != nil {
		return nil, err
	}
	return startIn(bin, false)
}

// startIn starts a cluster with the server binaries of directory bin;
// durable: see Cluster.durable.
func startIn(bin string, durable bool) (*Cluster, error) {
	// os.MkdirTemp rather than a test's TempDir: a unix socket path must
	// stay under about 100 bytes.
	dir, err := os.MkdirTemp("", "bumpbot-pg-")
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	c := &Cluster{dir: dir, bin: bin, asPostgres: os.Geteuid() == 0, durable: durable}
	if err := c.start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// findBin returns the directory of the PostgreSQL server binaries: the
// one of initdb on PATH, else Debian's versioned directory (which Debian
// keeps off PATH).
func findBin() (string, error) {
	if initdb, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(initdb), nil
	}
	dirs, _ := filepath.Glob(binGlob)
	// The newest major version sorts last ("15" < "16"; "9.6" is long gone).
	slices.Reverse(dirs)
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("postgres: no initdb on PATH nor in %s: install the postgresql package", binGlob)
}

// needBin is findBin for a test: without the server binaries the test is
// skipped with the reason, or fails when BUMPBOT_REQUIRE_TOOLS=1
// (testtool.Need). initdb, pg_ctl and postgres must sit side by side, and
// root needs runuser.
func needBin(tb testing.TB) string {
	tb.Helper()
	bin, err := findBin()
	if err != nil {
		// Not found anywhere: Need says so the way every test tool does.
		testtool.Need(tb, "initdb")
	}
	for _, tool := range []string{"pg_ctl", "postgres"} {
		if _, err := os.Stat(filepath.Join(bin, tool)); err != nil {
			testtool.Need(tb, tool)
		}
	}
	if os.Geteuid() == 0 {
		// The server refuses to run as root: run (below) switches user.
		testtool.Need(tb, "runuser")
	}
	return bin
}

func (c *Cluster) start() error {
	if c.asPostgres {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("postgres: running as root needs a postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(c.dir, uid, gid); err != nil {
			return fmt.Errorf("postgres: %w", err)
		}
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	c.port = port
	data := filepath.Join(c.dir, "data")
	// Durability is of no use to a throwaway cluster; skipping fsync
	// makes initdb and every commit much faster.
	if err := c.run("initdb", "--no-sync", "--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C", "-D", data); err != nil {
		return err
	}
	return c.Up()
}

// Up starts the server of a cluster Down stopped, on the same socket
// and data: the database is back with everything committed before.
func (c *Cluster) Up() error {
	// fsync and full page writes guard against the machine crashing,
	// which no test does.
	syncCommit := "off"
	if c.durable {
		syncCommit = "on"
	}
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses='' -c fsync=off -c synchronous_commit=%s -c full_page_writes=off -c max_connections=200", c.dir, c.port, syncCommit)
	if err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-l", filepath.Join(c.dir, "server.log"), "-w", "-o", opts, "start"); err != nil {
		return err
	}
	c.down = false
	return nil
}

// Down stops the server at once (mode immediate: every client is cut
// off, as by a crash or a failover) and keeps its data, so Up can start
// it again: a test's database outage.
func (c *Cluster) Down() error {
	if err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "immediate", "-w", "stop"); err != nil {
		return err
	}
	c.down = true
	return nil
}

// freePort picks a port number. The server listens on no TCP port (the
// number only names its socket file, in a directory of its own), but a
// number no one uses also keeps its shared memory keys apart from other
// clusters'.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("postgres: pick a port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// run runs one of the server binaries, as the postgres user when the
// process is root.
func (c *Cluster) run(name string, args ...string) error {
	cmd := exec.Command(filepath.Join(c.bin, name), args...)
	if c.asPostgres {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(c.bin, name)}, args...)...)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		log, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
		return fmt.Errorf("postgres: %s: %w\n%s%s", name, err, out.Bytes(), log)
	}
	return nil
}

// Stop stops the server at once, unless Down did, and removes its
// directory.
func (c *Cluster) Stop() error {
	var err error
	if !c.down {
		err = c.Down()
	}
	return errors.Join(err, os.RemoveAll(c.dir))
}

// Private starts a cluster of the test's own, one the test may take
// down and bring up again (Down, Up) without disturbing the other tests'
// databases, and stops it when the test ends. Its commits are durable:
// Down crashes it, and a crash loses no commit acknowledged before.
// Without the PostgreSQL
// server binaries the test is skipped, or fails, as with Database.
func Private(tb testing.TB) *Cluster {
	tb.Helper()
	c, err := startIn(needBin(tb), true)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := c.Stop(); err != nil {
			tb.Error(err)
		}
	})
	return c
}

// URL returns the postgres:// URL of database name on the cluster.
func (c *Cluster) URL(name string) string {
	q := url.Values{"host": {c.dir}, "port": {strconv.Itoa(c.port)}, "sslmode": {"disable"}}
	return (&url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/" + name, RawQuery: q.Encode()}).String()
}

// NewDatabase creates an empty database for one test and drops it when
// the test ends, and returns its URL.
func (c *Cluster) NewDatabase(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("test_%d", c.dbs.Add(1))
	if err := exec1(c.URL("postgres"), "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("postgres: create database: %v", err)
	}
	u := c.URL(name)
	tb.Cleanup(func() {
		if c.down {
			return // a test failed with its private cluster down: Stop removes it all
		}
		if err := dropDatabase(u); err != nil {
			tb.Error(err)
		}
	})
	return u
}

// dropDatabase drops the database of a URL NewDatabase returned,
// disconnecting whoever still uses it.
func dropDatabase(dbURL string) error {
	admin, name, err := adminURL(dbURL)
	if err != nil {
		return err
	}
	if err := exec1(admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("postgres: drop database %s: %w", name, err)
	}
	return nil
}

// SetReachable makes the database of a URL NewDatabase returned refuse
// connections, closing those open (reachable false), or accept them
// again: a test's way to take the database away from a running server
// and give it back.
func SetReachable(dbURL string, reachable bool) error {
	admin, name, err := adminURL(dbURL)
	if err != nil {
		return err
	}
	stmts := []string{fmt.Sprintf("ALTER DATABASE %s ALLOW_CONNECTIONS %t", name, reachable)}
	if !reachable {
		stmts = append(stmts, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"+name+"'")
	}
	for _, stmt := range stmts {
		if err := exec1(admin, stmt); err != nil {
			return fmt.Errorf("postgres: %s: %w", stmt, err)
		}
	}
	return nil
}

// adminURL returns the URL of the cluster's postgres database and the
// name of the database of dbURL (test_N: safe to put in a statement).
func adminURL(dbURL string) (string, string, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", "", fmt.Errorf("postgres: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	return u.String(), name, nil
}

// exec1 runs one statement on the database at dbURL.
func exec1(dbURL, stmt string) error {
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(context.Background(), stmt)
	return err
}

// shared is the cluster of the test binary, started by the first test
// that asks for a database and stopped by Main.
var shared struct {
	once sync.Once
	c    *Cluster
	err  error
}

// Database returns the URL of a fresh database on the test binary's
// cluster, starting the cluster on first use. A test binary that calls it
// must run its tests through Main, which stops the cluster. Without the
// PostgreSQL server binaries the test is skipped with the reason (it
// fails instead when BUMPBOT_REQUIRE_TOOLS=1); when they are there but
// the cluster does not start, it fails.
func Database(tb testing.TB) string {
	tb.Helper()
	bin := needBin(tb)
	shared.once.Do(func() { shared.c, shared.err = startIn(bin, false) })
	if shared.err != nil {
		tb.Fatal(shared.err)
	}
	return shared.c.NewDatabase(tb)
}

// Main runs the tests of m and then stops the cluster Database started,
// if any; call it from TestMain: os.Exit(jobstest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if shared.c != nil {
		if err := shared.c.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}
