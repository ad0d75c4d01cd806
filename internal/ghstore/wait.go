package ghstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"
)

// WaitError says a write was refused without waiting: the installation's
// next write slots come too late for the caller's deadline. Waiting would
// only have ended in a timeout, holding a worker meanwhile; the caller
// (the job worker) snoozes the reconcile until about WriteAt instead.
type WaitError struct {
	Installation int64
	// At is when the installation may start the work again, as far as
	// the pacer can tell.
	At time.Time
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("write pacing: installation %d may not write before %s, past this request's deadline",
		e.Installation, e.At.UTC().Format(time.RFC3339Nano))
}

// WriteAt is when the installation may start the work again.
func (e *WaitError) WriteAt() time.Time { return e.At }

// unitKey marks a context as one unit of work; see FailFast.
type unitKey struct{}

// FailFast marks ctx, which should have a deadline, as one unit of work
// (a reconcile) whose first write is refused with a *WaitError, at once,
// when the installation could not send it and WritesPerReconcile-1 more
// before the deadline less a reserve (see waitDeadline), or when it is
// still queued behind other writes then. Its later writes wait as long as
// ctx lets them: stopping a change halfway would waste the writes made
// and leave a pull request half done. Writes of an unmarked context
// always wait.
func FailFast(ctx context.Context) context.Context {
	return context.WithValue(ctx, unitKey{}, new(atomic.Bool))
}

// maxReserve bounds the time kept after a write for the rest of the
// work: the reads between a reconcile's writes, and what follows them.
const maxReserve = 30 * time.Second

// waitDeadline is the latest the first write of a FailFast ctx may wait
// until (its deadline less a reserve for what follows: a quarter of the
// time left, at most maxReserve), and the unit's record of having
// written. ok is false when the write should simply wait.
func waitDeadline(ctx context.Context, now time.Time) (limit time.Time, wrote *atomic.Bool, ok bool) {
	wrote, _ = ctx.Value(unitKey{}).(*atomic.Bool)
	d, has := ctx.Deadline()
	if wrote == nil || wrote.Load() || !has {
		return time.Time{}, wrote, false
	}
	return d.Add(-min(d.Sub(now)/4, maxReserve)), wrote, true
}

// slots returns when k writes of an installation with these recent sent
// times and pause could go, one after the other, from now: the first and
// the last.
func (p *Pacer) slots(sent []int64, paused, now time.Time, k int) (first, last time.Time) {
	s := slices.Clone(sent)
	t := now
	for i := range k {
		if n := p.next(s, paused); n.After(t) {
			t = n
		}
		if i == 0 {
			first = t
		}
		s = append(s, t.UnixMicro())
	}
	return first, t
}

// tooLate returns the *WaitError of a unit's first write when the
// installation could not send a reconcile's writes by limit, else nil.
// The unit may start again when they would fit as well as now: the last
// one's slot less the time this one had.
func (p *Pacer) tooLate(installation int64, sent []int64, paused, now, limit time.Time) error {
	first, last := p.slots(sent, paused, now, WritesPerReconcile)
	if !last.After(limit) {
		return nil
	}
	at := last.Add(-limit.Sub(now))
	if at.Before(first) {
		at = first
	}
	return &WaitError{Installation: installation, At: at}
}

// behind returns the *WaitError of a first write that gave up waiting
// behind another write of installation: that one takes the next slot, so
// this unit's writes may start at the slot after it.
func (p *Pacer) behind(ctx context.Context, installation int64) error {
	var raw string
	var paused int64
	err := p.db.QueryRowContext(ctx, `SELECT sent, paused_until FROM bumpbot_write_pace WHERE installation_id = $1`, installation).Scan(&raw, &paused)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("write pacing: installation %d: %w", installation, err)
	}
	now := p.now()
	_, at := p.slots(p.recent(decodeSent(raw), now), time.UnixMicro(paused), now, 2)
	// Writes ahead that wait for slots of their own are not in the
	// record yet: start no sooner than one write's share of the
	// tightest window from now.
	if spacing := time.Duration(float64(time.Second) / p.limits.Rate()); at.Before(now.Add(spacing)) {
		at = now.Add(spacing)
	}
	return &WaitError{Installation: installation, At: at}
}
