package ghstore_test

import (
	"context"
	"database/sql"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghstore"
)

// Writes of two pacers on one database (two replicas, or a process and
// its successor) go one at a time and never more than a window allows;
// a pause GitHub asked for holds for the pacer that did not see it.
func TestPacerSharedAcrossPacers(t *testing.T) {
	t.Parallel()
	onEachDatabase(t, func(t *testing.T, db *sql.DB) {
		ctx := context.Background()
		limits, err := ghstore.ParseLimits("4/300ms,6/1s")
		if err != nil {
			t.Fatal(err)
		}
		var pacers []*ghstore.Pacer
		for range 2 {
			p, err := ghstore.NewPacer(ctx, db, ghstore.PacerOptions{Limits: limits})
			if err != nil {
				t.Fatal(err)
			}
			pacers = append(pacers, p)
		}
		var (
			mu       sync.Mutex
			sends    []time.Time
			inFlight int
			overlap  bool
			wg       sync.WaitGroup
		)
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				done, err := pacers[i%2].Acquire(ctx, 7)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				inFlight++
				overlap = overlap || inFlight > 1
				sends = append(sends, time.Now())
				mu.Unlock()
				time.Sleep(5 * time.Millisecond) // the write's round trip
				mu.Lock()
				inFlight--
				mu.Unlock()
				done(&http.Response{StatusCode: http.StatusCreated, Header: http.Header{}}, nil)
			}()
		}
		wg.Wait()
		if overlap {
			t.Error("two writes of one installation were in flight at once")
		}
		slices.SortFunc(sends, func(a, b time.Time) int { return a.Compare(b) })
		for _, w := range limits {
			for i := w.N; i < len(sends); i++ {
				if gap := sends[i].Sub(sends[i-w.N]); gap < w.Per {
					t.Errorf("writes %d and %d are %v apart: %d writes within %v", i-w.N, i, gap, w.N+1, w.Per)
				}
			}
		}

		// GitHub asks the first pacer to wait 1 s; the second one
		// (another replica, or the next process) waits too.
		done, err := pacers[0].Acquire(ctx, 9)
		if err != nil {
			t.Fatal(err)
		}
		asked := time.Now()
		done(&http.Response{StatusCode: http.StatusForbidden, Header: http.Header{"Retry-After": {"1"}}}, nil)
		done, err = pacers[1].Acquire(ctx, 9)
		if err != nil {
			t.Fatal(err)
		}
		if sent := time.Now(); sent.Sub(asked) < time.Second {
			t.Errorf("the next write went %v after a Retry-After of 1s", sent.Sub(asked))
		}
		done(&http.Response{StatusCode: http.StatusOK}, nil)

		ins, err := pacers[1].Installations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if in := ins[7]; in == nil || in.Writes != 8 || in.Limited != 0 {
			t.Errorf("installation 7: %+v, want 8 writes", in)
		}
		if in := ins[9]; in == nil || in.Writes != 2 || in.Limited != 1 {
			t.Errorf("installation 9: %+v, want 2 writes, 1 pause", in)
		}
	})
}

// A write whose context ends while it waits is not sent and not counted.
func TestPacerCanceledWait(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t, false)
	limits, _ := ghstore.ParseLimits("1/1h")
	p, err := ghstore.NewPacer(ctx, db, ghstore.PacerOptions{Limits: limits})
	if err != nil {
		t.Fatal(err)
	}
	done, err := p.Acquire(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	done(nil, nil)
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := p.Acquire(short, 7); err == nil {
		t.Fatal("a second write within 1/1h was let through")
	}
	ins, _ := p.Installations(ctx)
	if ins[7].Writes != 1 {
		t.Errorf("%d writes counted, want 1", ins[7].Writes)
	}
}

func TestParseLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: "80/1m,500/1h", want: "80/1m0s,500/1h0m0s"},
		{in: " 80/1s , 500/6s", want: "80/1s,500/6s"},
		{in: "", err: `write limits "": empty; want N/DURATION[,N/DURATION...] like 80/1m,500/1h`},
		{in: "80/1m,5x0/1h", err: `write limits "80/1m,5x0/1h": column 7 ("5x0/1h"): count "5x0" is not a positive whole number`},
		{in: "80/1m,500", err: `write limits "80/1m,500": column 7 ("500"): want N/DURATION like 80/1m`},
		{in: "80/-1m", err: `write limits "80/-1m": column 1 ("80/-1m"): duration "-1m" is not a positive duration like 1m or 1h`},
		{in: "0/1m", err: `write limits "0/1m": column 1 ("0/1m"): count "0" is not a positive whole number`},
	} {
		got, err := ghstore.ParseLimits(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("ParseLimits(%q) error = %v, want %s", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("ParseLimits(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}
