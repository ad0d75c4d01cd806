package ghstore_test

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghstore"
)

// A unit's first write that the installation's window could not fit,
// with the rest of a reconcile's writes, before the deadline is refused
// at once with a *WaitError saying when the window frees; once a unit
// has written, its later writes wait instead; an unmarked context always
// waits.
func TestPacerFailFast(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *sql.DB) {
		limits, err := ghstore.ParseLimits("6/2s")
		if err != nil {
			t.Fatal(err)
		}
		p, err := ghstore.NewPacer(context.Background(), db, ghstore.PacerOptions{Limits: limits})
		if err != nil {
			t.Fatal(err)
		}
		ok := &http.Response{StatusCode: http.StatusCreated, Header: http.Header{}}
		write := func(ctx context.Context) error {
			done, err := p.Acquire(ctx, 5)
			if err == nil {
				done(ok, nil)
			}
			return err
		}
		deadline := func() context.Context {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			t.Cleanup(cancel)
			return ctx
		}

		// The first unit fits its five writes in the empty window.
		a, releaseA := ghstore.FailFast(deadline())
		if err := write(a); err != nil {
			t.Fatalf("first unit's first write: %v", err)
		}
		// A second unit would need 4 claimed + 5 writes: 9 > 6 per 2 s.
		b, releaseB := ghstore.FailFast(deadline())
		defer releaseB()
		var we *ghstore.WaitError
		if err := write(b); !errors.As(err, &we) {
			t.Fatalf("second unit's first write: %v, want a *WaitError", err)
		}
		if we.Installation != 5 || !we.WriteAt().After(time.Now()) {
			t.Errorf("WaitError %+v: want installation 5 and a time to come", we)
		}
		if b.Err() != nil {
			t.Errorf("the refusal waited for the deadline: %v", b.Err())
		}
		// The first unit's later writes go (4 more: the window's 5th and
		// 6th slots stay free for it).
		for i := range 4 {
			if err := write(a); err != nil {
				t.Fatalf("first unit's write %d: %v", i+2, err)
			}
		}
		releaseA()
		// An unmarked write takes the window's last slot; then it is full
		// until 2 s after the first write, and an unmarked context with a
		// short deadline waits and times out, as before.
		if err := write(context.Background()); err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		if err := write(short); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("unmarked write in a full window: %v, want the deadline", err)
		}
	})
}
