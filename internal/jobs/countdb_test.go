package jobs_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"modernc.org/sqlite"

	"github.com/bumpbot/bumpbot/internal/jobs"
)

// countingDB opens a second connection pool to the SQLite file at path,
// through a driver that counts the statements run whose SQL contains
// match: how many statements a piece of code runs is then read from the
// real database driver, not from the code under test.
func countingDB(t *testing.T, path, match string) (*sql.DB, *atomic.Int64) {
	t.Helper()
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(5000)"} {
		q.Add("_pragma", p)
	}
	c := &countingConnector{dsn: "file:" + path + "?" + q.Encode(), match: match}
	db := sql.OpenDB(c)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db, &c.n
}

// countingConnector opens modernc.org/sqlite connections that count.
type countingConnector struct {
	dsn, match string
	n          atomic.Int64
}

func (c *countingConnector) Connect(context.Context) (driver.Conn, error) {
	inner, err := (&sqlite.Driver{}).Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &countingConn{inner: inner.(sqliteConn), c: c}, nil
}

func (c *countingConnector) Driver() driver.Driver { return &sqlite.Driver{} }

// count counts query when it matches.
func (c *countingConnector) count(query string) {
	if strings.Contains(query, c.match) {
		c.n.Add(1)
	}
}

// sqliteConn is what database/sql uses of a modernc.org/sqlite conn.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
}

type countingConn struct {
	inner sqliteConn
	c     *countingConnector
}

func (k *countingConn) Prepare(query string) (driver.Stmt, error) {
	return k.PrepareContext(context.Background(), query)
}
func (k *countingConn) Close() error              { return k.inner.Close() }
func (k *countingConn) Begin() (driver.Tx, error) { return k.inner.Begin() } //nolint:staticcheck // required by driver.Conn
func (k *countingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return k.inner.BeginTx(ctx, opts)
}

func (k *countingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := k.inner.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return &countingStmt{inner: st.(sqliteStmt), query: query, c: k.c}, nil
}

func (k *countingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	k.c.count(query)
	return k.inner.ExecContext(ctx, query, args)
}

func (k *countingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	k.c.count(query)
	return k.inner.QueryContext(ctx, query, args)
}

// sqliteStmt is what database/sql uses of a modernc.org/sqlite stmt.
type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type countingStmt struct {
	inner sqliteStmt
	query string
	c     *countingConnector
}

func (s *countingStmt) Close() error  { return s.inner.Close() }
func (s *countingStmt) NumInput() int { return s.inner.NumInput() }
func (s *countingStmt) Exec(args []driver.Value) (driver.Result, error) {
	s.c.count(s.query)
	return s.inner.Exec(args) //nolint:staticcheck // required by driver.Stmt
}
func (s *countingStmt) Query(args []driver.Value) (driver.Rows, error) {
	s.c.count(s.query)
	return s.inner.Query(args) //nolint:staticcheck // required by driver.Stmt
}
func (s *countingStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	s.c.count(s.query)
	return s.inner.ExecContext(ctx, args)
}
func (s *countingStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	s.c.count(s.query)
	return s.inner.QueryContext(ctx, args)
}

// TestRecordReadsJobStatesOnce: a delivery asking for 20 repositories
// whose jobs still wait reads those jobs' states with one statement, not
// one per repository (which was a quarter of recording's time).
func TestRecordReadsJobStatesOnce(t *testing.T) {
	t.Parallel()
	db, path := openDBFile(t)
	client := &countingInserter{Client: newClient(t, db, runnerFunc(func(context.Context, int64, string) error { return nil }))}
	counted, reads := countingDB(t, path, "FROM river_job")
	q := jobs.NewQueue(counted, client)
	var reqs []jobs.ReconcileArgs
	for i := range 20 {
		reqs = append(reqs, jobs.ReconcileArgs{InstallationID: 7, Repo: fmt.Sprintf("acme/r%02d", i)})
	}
	if rec, err := q.Record(context.Background(), "d1", "push", reqs); err != nil || rec.Inserted != 20 {
		t.Fatalf("first delivery: %+v, %v; want 20 jobs inserted", rec, err)
	}
	before, inserts := reads.Load(), client.inserts.Load()
	rec, err := q.Record(context.Background(), "d2", "push", reqs)
	if err != nil || rec.Inserted != 0 || rec.Duplicate {
		t.Fatalf("second delivery: %+v, %v; want recorded into the 20 waiting jobs", rec, err)
	}
	if n := client.inserts.Load() - inserts; n != 0 {
		t.Errorf("River asked for jobs %d times for 20 waiting jobs, want 0", n)
	}
	if n := reads.Load() - before; n != 1 {
		t.Errorf("recording 20 repositories with waiting jobs read river_job %d times, want once", n)
	}
}
