package ghstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// WaitError says a write was refused without waiting: the installation's
// next write slot comes too late for the caller's deadline. Waiting would
// only have ended in a timeout, holding a worker meanwhile; the caller
// (the job worker) snoozes the reconcile until about WriteAt instead.
type WaitError struct {
	Installation int64
	// At is when the installation may write again, as far as the pacer
	// can tell.
	At time.Time
}

func (e *WaitError) Error() string {
	return fmt.Sprintf("write pacing: installation %d may not write before %s, past this request's deadline",
		e.Installation, e.At.UTC().Format(time.RFC3339Nano))
}

// WriteAt is when the installation may write again.
func (e *WaitError) WriteAt() time.Time { return e.At }

// maxReserve bounds the time kept after a write for the rest of the
// work: a reconcile's other writes, each of which may wait for its own
// slot, and the reads between them.
const maxReserve = 30 * time.Second

// waitDeadline is the latest a write of ctx may wait until: its deadline
// less a reserve for what follows the write (a quarter of the time left,
// at most maxReserve). ok is false when ctx has no deadline: then the
// write waits as long as it takes.
func waitDeadline(ctx context.Context, now time.Time) (time.Time, bool) {
	d, ok := ctx.Deadline()
	if !ok {
		return time.Time{}, false
	}
	return d.Add(-min(d.Sub(now)/4, maxReserve)), true
}

// behind returns the *WaitError of a write that gave up waiting behind
// another write of installation: that one takes the next slot, so this
// one may go at the slot after it.
func (p *Pacer) behind(ctx context.Context, installation int64) error {
	var raw string
	var paused int64
	err := p.db.QueryRowContext(ctx, `SELECT sent, paused_until FROM bumpbot_write_pace WHERE installation_id = $1`, installation).Scan(&raw, &paused)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("write pacing: installation %d: %w", installation, err)
	}
	now := p.now()
	sent := p.recent(decodeSent(raw), now)
	ahead := p.next(sent, time.UnixMicro(paused))
	if ahead.Before(now) {
		ahead = now
	}
	at := p.next(append(sent, ahead.UnixMicro()), time.UnixMicro(paused))
	// Writes ahead that wait for slots of their own are not in the
	// record yet: this one goes no sooner than one write's share of the
	// tightest window from now.
	if spacing := time.Duration(float64(time.Second) / p.limits.Rate()); at.Before(now.Add(spacing)) {
		at = now.Add(spacing)
	}
	return &WaitError{Installation: installation, At: at}
}
