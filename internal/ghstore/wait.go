package ghstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
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

// unit is the record of one FailFast context: whether it wrote, and the
// slots it claimed for the writes it has still to make.
type unit struct {
	mu      sync.Mutex
	wrote   bool
	key     lockKey
	claimed int
}

// claims counts, per installation, the writes that admitted units have
// still to make. Pacers on one database share them, like the locks; a
// replica does not see another's (its first writes may then be admitted
// a little too readily, and a later write wait to the deadline).
var claims = map[lockKey]int{}

// FailFast marks ctx, which should have a deadline, as one unit of work
// (a reconcile). Its first write is refused with a *WaitError, at once,
// when the installation could not send it, WritesPerReconcile-1 more, and
// the writes other units admitted still have to make, before the deadline
// less a reserve (see waitDeadline); or when it is still queued behind
// other writes then. Its later writes wait as long as ctx lets them:
// stopping a change halfway would waste the writes made and leave a pull
// request half done. Writes of an unmarked context always wait. Call
// release when the unit ends: it frees the slots the unit claimed and did
// not use.
func FailFast(ctx context.Context) (_ context.Context, release func()) {
	u := &unit{}
	return context.WithValue(ctx, unitKey{}, u), func() { u.use(u.claimed) }
}

// admit records that the unit's first write was let through, claiming
// slots for the rest of a reconcile's writes.
func (u *unit) admit(key lockKey) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.wrote, u.key, u.claimed = true, key, WritesPerReconcile-1
	locksMu.Lock()
	claims[key] += u.claimed
	locksMu.Unlock()
}

// use gives back n of the unit's claimed slots: a later write took one,
// or the unit ended.
func (u *unit) use(n int) {
	u.mu.Lock()
	defer u.mu.Unlock()
	n = min(n, u.claimed)
	if n <= 0 {
		return
	}
	u.claimed -= n
	locksMu.Lock()
	if claims[u.key] -= n; claims[u.key] <= 0 {
		delete(claims, u.key)
	}
	locksMu.Unlock()
}

// claimed returns the slots units admitted on installation still claim.
func (p *Pacer) claimed(installation int64) int {
	locksMu.Lock()
	defer locksMu.Unlock()
	return claims[lockKey{p.db, installation}]
}

// maxReserve bounds the time kept after a write for the rest of the
// work: the reads between a reconcile's writes, and what follows them.
const maxReserve = 30 * time.Second

// waitDeadline is the latest the first write of a FailFast ctx may wait
// until (its deadline less a reserve for what follows: a quarter of the
// time left, at most maxReserve), and the unit. ok is false when the
// write should simply wait.
func waitDeadline(ctx context.Context, now time.Time) (limit time.Time, u *unit, ok bool) {
	u, _ = ctx.Value(unitKey{}).(*unit)
	if u == nil {
		return time.Time{}, nil, false
	}
	u.mu.Lock()
	wrote := u.wrote
	u.mu.Unlock()
	d, has := ctx.Deadline()
	if wrote || !has {
		return time.Time{}, u, false
	}
	return d.Add(-min(d.Sub(now)/4, maxReserve)), u, true
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
// installation could not send the writes other units claimed and a
// reconcile's writes by limit, else nil. The unit may start again when
// they would fit as well as now: the last one's slot less the time this
// one had.
func (p *Pacer) tooLate(installation int64, sent []int64, paused, now, limit time.Time) error {
	first, last := p.slots(sent, paused, now, p.claimed(installation)+WritesPerReconcile)
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
