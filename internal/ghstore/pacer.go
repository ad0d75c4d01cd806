package ghstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
)

// Pacer paces each installation's writes to GitHub within its Limits,
// one write at a time, with the counts in the database so that a restart
// and every replica sharing a PostgreSQL database see the same budget. It
// implements ghapp.WriteGate.
//
// The record of an installation is one row (bumpbot_write_pace): when
// its recent writes were sent and until when GitHub asked it to pause. A
// write takes the installation's lock (in the process; on PostgreSQL also
// an advisory lock, which the server drops with the connection of a
// process that dies), waits until every window has room, records itself
// in a short transaction before it is sent, and keeps the lock until its
// answer has arrived (and recorded: the write counts from then on):
// GitHub wants no concurrent writes.
type Pacer struct {
	db       *sql.DB
	postgres bool
	limits   Limits
	keep     time.Duration // how far back sent times matter
	now      func() time.Time
}

// lockKey names an installation's in-process lock. Pacers on one
// database share them: on SQLite, where one process owns the file, they
// are the whole serialization.
type lockKey struct {
	db           *sql.DB
	installation int64
}

var (
	locksMu sync.Mutex
	locks   = map[lockKey]chan struct{}{}
)

// PacerOptions tune a Pacer.
type PacerOptions struct {
	// Limits are the windows every installation's writes must fit;
	// DefaultLimits when empty.
	Limits Limits
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// NewPacer creates the tables if needed and returns the pacer over db.
func NewPacer(ctx context.Context, db *sql.DB, opts PacerOptions) (*Pacer, error) {
	for _, stmt := range schema {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return nil, fmt.Errorf("write pacing: %w", err)
		}
	}
	if len(opts.Limits) == 0 {
		l, err := ParseLimits(DefaultLimits)
		if err != nil {
			return nil, err
		}
		opts.Limits = l
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	p := &Pacer{db: db, limits: opts.Limits, now: opts.Now}
	_, p.postgres = db.Driver().(*stdlib.Driver)
	for _, w := range p.limits {
		p.keep = max(p.keep, w.Per+margin(w.Per))
	}
	return p, nil
}

// Limits returns the pacer's windows.
func (p *Pacer) Limits() Limits { return p.limits }

// margin is how much longer than a window the pacer waits. Writes count
// from their answer (answered), after GitHub counted them, so windows
// never start early; the margin covers clocks of coarse resolution.
func margin(per time.Duration) time.Duration { return min(per/100, time.Second) }

// lock returns the in-process lock of an installation.
func (p *Pacer) lock(installation int64) chan struct{} {
	locksMu.Lock()
	defer locksMu.Unlock()
	k := lockKey{p.db, installation}
	l, ok := locks[k]
	if !ok {
		l = make(chan struct{}, 1)
		locks[k] = l
	}
	return l
}

// dbTimeout bounds the pacer's own statements after the write was sent,
// when the request's context may have ended.
const dbTimeout = 10 * time.Second

// advisoryKey names an installation's advisory lock: negative, so it
// never meets the migration lock's positive key.
func advisoryKey(installation int64) int64 { return -installation - 1 }

// Acquire waits until installation may send one more write, records it,
// and returns done, to be called with the write's answer: until then the
// installation's other writes wait.
//
// The first write of a context marked FailFast may instead be refused at
// once with a *WaitError.
func (p *Pacer) Acquire(ctx context.Context, installation int64) (func(*http.Response, error), error) {
	limit, u, bounded := waitDeadline(ctx, p.now())
	lockCtx := ctx
	if bounded {
		var cancel context.CancelFunc
		lockCtx, cancel = context.WithDeadline(ctx, limit)
		defer cancel()
	}
	// queued turns the end of lockCtx, while ctx goes on, into a
	// *WaitError: the writes ahead take longer than this one may wait.
	queued := func(err error) error {
		if ctx.Err() == nil && lockCtx.Err() != nil {
			return p.behind(ctx, installation)
		}
		return err
	}
	l := p.lock(installation)
	select {
	case l <- struct{}{}:
	case <-lockCtx.Done():
		return nil, queued(lockCtx.Err())
	}
	unlock := func() { <-l }
	var conn *sql.Conn
	if p.postgres {
		var err error
		if conn, err = p.db.Conn(ctx); err != nil {
			unlock()
			return nil, fmt.Errorf("write pacing: %w", err)
		}
		if _, err := conn.ExecContext(lockCtx, `SELECT pg_advisory_lock($1)`, advisoryKey(installation)); err != nil {
			// A cancelled lock statement may leave the connection in
			// doubt: drop it, and with it any lock it got.
			conn.Raw(func(any) error { return driver.ErrBadConn }) //nolint:errcheck // discarding
			conn.Close()
			unlock()
			if werr := queued(nil); werr != nil {
				return nil, werr
			}
			return nil, fmt.Errorf("write pacing: lock installation %d: %w", installation, err)
		}
		inner := unlock
		unlock = func() {
			uctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
			defer cancel()
			// A failed unlock closes the connection, which drops the lock.
			if _, err := conn.ExecContext(uctx, `SELECT pg_advisory_unlock($1)`, advisoryKey(installation)); err != nil {
				conn.Raw(func(any) error { return driver.ErrBadConn }) //nolint:errcheck // discarding
			}
			conn.Close()
			inner()
		}
	}
	if err := p.reserve(ctx, installation, limit, bounded); err != nil {
		unlock()
		return nil, err
	}
	switch {
	case bounded:
		u.admit(lockKey{p.db, installation})
	case u != nil:
		u.use(1)
	}
	return func(resp *http.Response, _ error) {
		defer unlock()
		uctx, cancel := context.WithTimeout(context.Background(), dbTimeout)
		defer cancel()
		// Best effort: a write whose answer is not recorded counts from
		// when it was sent, and GitHub repeats a pause it asked for.
		_ = p.answered(uctx, installation, resp)
	}, nil
}

// answered records that a write of installation got its answer: the
// write counts from now on rather than from when it was sent (GitHub
// counted it when it arrived, somewhere between the two, so a window
// measured from the answer never starts early), and a pause the answer
// asks for holds from now. The caller holds the installation's lock, so
// the last sent time is this write's.
func (p *Pacer) answered(ctx context.Context, installation int64, resp *http.Response) error {
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	var raw string
	var paused int64
	if err := tx.QueryRowContext(ctx, `SELECT sent, paused_until FROM bumpbot_write_pace WHERE installation_id = $1`, installation).Scan(&raw, &paused); err != nil {
		return err
	}
	now := p.now()
	sent := decodeSent(raw)
	if len(sent) > 0 && sent[len(sent)-1] < now.UnixMicro() {
		sent[len(sent)-1] = now.UnixMicro()
	}
	limited := 0
	if until, ok := pauseOf(resp, now); ok && until.UnixMicro() > paused {
		paused, limited = until.UnixMicro(), 1
	}
	if _, err := tx.ExecContext(ctx, `UPDATE bumpbot_write_pace SET sent = $1, paused_until = $2, limited = limited + $3 WHERE installation_id = $4`,
		encodeSent(sent), paused, limited, installation); err != nil {
		return err
	}
	return tx.Commit()
}

// reserve waits until every window has room for one more write of
// installation and records it; the caller holds the installation's lock.
// When bounded, a reconcile's writes that would not fit before limit are
// a *WaitError, at once.
func (p *Pacer) reserve(ctx context.Context, installation int64, limit time.Time, bounded bool) error {
	for {
		wait, err := p.tryReserve(ctx, installation, limit, bounded)
		if err != nil || wait <= 0 {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// tryReserve records a write of installation now if every window has
// room, or returns how long to wait (or, when bounded, tooLate's error).
func (p *Pacer) tryReserve(ctx context.Context, installation int64, limit time.Time, bounded bool) (time.Duration, error) {
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("write pacing: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	if _, err := tx.ExecContext(ctx, `INSERT INTO bumpbot_write_pace (installation_id, sent, paused_until, writes, limited)
		VALUES ($1, '', 0, 0, 0) ON CONFLICT (installation_id) DO NOTHING`, installation); err != nil {
		return 0, fmt.Errorf("write pacing: installation %d: %w", installation, err)
	}
	var raw string
	var paused int64
	if err := tx.QueryRowContext(ctx, `SELECT sent, paused_until FROM bumpbot_write_pace WHERE installation_id = $1`, installation).Scan(&raw, &paused); err != nil {
		return 0, fmt.Errorf("write pacing: installation %d: %w", installation, err)
	}
	now := p.now()
	sent := p.recent(decodeSent(raw), now)
	if bounded {
		if err := p.tooLate(installation, sent, time.UnixMicro(paused), now, limit); err != nil {
			return 0, err
		}
	}
	if next := p.next(sent, time.UnixMicro(paused)); next.After(now) {
		return next.Sub(now), nil
	}
	sent = append(sent, now.UnixMicro())
	if _, err := tx.ExecContext(ctx, `UPDATE bumpbot_write_pace SET sent = $1, writes = writes + 1 WHERE installation_id = $2`,
		encodeSent(sent), installation); err != nil {
		return 0, fmt.Errorf("write pacing: installation %d: %w", installation, err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("write pacing: installation %d: %w", installation, err)
	}
	return 0, nil
}

// recent keeps the sent times that can still count in a window: those
// within the longest window, and no more than its count.
func (p *Pacer) recent(sent []int64, now time.Time) []int64 {
	cut := now.Add(-p.keep).UnixMicro()
	i := 0
	for i < len(sent) && sent[i] < cut {
		i++
	}
	sent = sent[i:]
	most := 0
	for _, w := range p.limits {
		most = max(most, w.N)
	}
	if len(sent) > most {
		sent = sent[len(sent)-most:]
	}
	return sent
}

// next is when the next write may go: after the pause, and for each
// window a window (plus margin) after the write that would otherwise be
// one too many in it.
func (p *Pacer) next(sent []int64, paused time.Time) time.Time {
	next := paused
	for _, w := range p.limits {
		if len(sent) >= w.N {
			if t := time.UnixMicro(sent[len(sent)-w.N]).Add(w.Per + margin(w.Per)); t.After(next) {
				next = t
			}
		}
	}
	return next
}

// pauseOf reads how long GitHub asks for no more writes: a 403 or 429
// with Retry-After (seconds), or with no requests left until
// X-RateLimit-Reset.
func pauseOf(resp *http.Response, now time.Time) (time.Time, bool) {
	if resp == nil || (resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests) {
		return time.Time{}, false
	}
	if s, err := strconv.ParseInt(resp.Header.Get("Retry-After"), 10, 64); err == nil && s >= 0 {
		return now.Add(time.Duration(s) * time.Second), true
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			return time.Unix(reset, 0), true
		}
	}
	return time.Time{}, false
}

// decodeSent reads the stored sent times (microseconds since the epoch,
// comma-separated, ascending); what does not parse is dropped.
func decodeSent(raw string) []int64 {
	if raw == "" {
		return nil
	}
	var out []int64
	for _, f := range strings.Split(raw, ",") {
		if n, err := strconv.ParseInt(f, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func encodeSent(sent []int64) string {
	var b strings.Builder
	for i, n := range sent {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(n, 10))
	}
	return b.String()
}
