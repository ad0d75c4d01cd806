package ghapp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/bumpbot/bumpbot/internal/reconcile"
)

// TestPublishNeverMovesSomeoneElsesBranch: a bumpbot/ branch whose tip the
// bot did not make — created by a person, or a bot branch a person pushed
// to — is never force-updated; a branch the bot left behind (a job that
// died before opening its pull request) is reused.
func TestPublishNeverMovesSomeoneElsesBranch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("branch a person created", func(t *testing.T) {
		t.Parallel()
		gh, r := setup(t, map[string]string{"main.tf": "v1\n"})
		human := gh.Push(t, repoN, "bumpbot/x", map[string]string{"notes.txt": "mine\n"}, "my own work")
		snap, err := r.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Publish(ctx, change(snap, "bumpbot/x", "v2\n"), nil)
		if !errors.Is(err, reconcile.ErrRefusedBranch) {
			t.Fatalf("Publish over a person's branch: err = %v, want ErrRefusedBranch", err)
		}
		if head := gh.Head(repoN, "bumpbot/x"); head != human {
			t.Errorf("the branch moved from %s to %s", human, head)
		}
		if len(gh.Pulls(repoN)) != 0 {
			t.Error("a pull request was opened")
		}
	})
	t.Run("branch whose message only ends like the trailer", func(t *testing.T) {
		t.Parallel()
		gh, r := setup(t, map[string]string{"main.tf": "v1\n"})
		human := gh.Push(t, repoN, "bumpbot/x", map[string]string{"notes.txt": "mine\n"}, "wip, not Created-by: bumpbot")
		snap, err := r.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Publish(ctx, change(snap, "bumpbot/x", "v2\n"), nil); !errors.Is(err, reconcile.ErrRefusedBranch) {
			t.Fatalf("err = %v, want ErrRefusedBranch", err)
		}
		if head := gh.Head(repoN, "bumpbot/x"); head != human {
			t.Errorf("the branch moved from %s to %s", human, head)
		}
	})
	for name, push := range map[string]struct {
		files   map[string]string
		message string
	}{
		"bot pull request a person pushed to": {map[string]string{"handler.py": "fixed\n"}, "adapt the handler to the new layer"},
		// Amended: the bot's message, trailer included, a person's commit.
		"bot commit amended by a person": {map[string]string{"main.tf": "v2, fixed\n"}, "Bump\n\nCreated-by: bumpbot"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			gh, r := setup(t, map[string]string{"main.tf": "v1\n"})
			snap, err := r.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.Publish(ctx, change(snap, "bumpbot/x", "v2\n"), nil); err != nil {
				t.Fatal(err)
			}
			theirs := gh.Push(t, repoN, "bumpbot/x", push.files, push.message)
			open, err := r.OpenChanges(ctx)
			if err != nil || len(open) != 1 {
				t.Fatalf("OpenChanges = %v, %v", open, err)
			}
			_, err = r.Publish(ctx, change(snap, "bumpbot/x", "v3\n"), &open[0])
			if !errors.Is(err, reconcile.ErrRefusedBranch) {
				t.Fatalf("Publish over a person's commit: err = %v, want ErrRefusedBranch", err)
			}
			if head := gh.Head(repoN, "bumpbot/x"); head != theirs {
				t.Errorf("the person's commit was overwritten: head %s, want %s", head, theirs)
			}
		})
	}
	t.Run("branch the bot left behind", func(t *testing.T) {
		t.Parallel()
		gh, r := setup(t, map[string]string{"main.tf": "v1\n"})
		snap, err := r.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The job dies after moving the branch, before opening the PR:
		// its context ends while the pull request call is in flight.
		dying, die := context.WithCancel(ctx)
		var once sync.Once
		gh.Intercept(func(route string, r *http.Request) bool {
			first := false
			if route == "POST /repos/{owner}/{repo}/pulls" {
				once.Do(func() { first = true })
			}
			if first {
				// Reading the body lets net/http notice the client going.
				io.Copy(io.Discard, r.Body)
				die()
				<-r.Context().Done()
			}
			return first
		})
		if _, err := r.Publish(dying, change(snap, "bumpbot/x", "v2\n"), nil); err == nil {
			t.Fatal("the dying job's Publish succeeded")
		}
		left := gh.Head(repoN, "bumpbot/x")
		if left == "" || len(gh.Pulls(repoN)) != 0 {
			t.Fatalf("setup: branch %q, %d pulls", left, len(gh.Pulls(repoN)))
		}
		if _, err := r.Publish(ctx, change(snap, "bumpbot/x", "v3\n"), nil); err != nil {
			t.Fatalf("reusing the bot's own branch: %v", err)
		}
		if got, _ := gh.File(repoN, "bumpbot/x", "main.tf"); string(got) != "v3\n" || gh.Head(repoN, "bumpbot/x") == left {
			t.Errorf("branch not updated: main.tf = %q", got)
		}
	})
}
