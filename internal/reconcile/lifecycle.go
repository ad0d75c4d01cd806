package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// Sweeper is implemented by forges that can close the bot's review
// requests and delete its branches (GitHub). A reconcile over one closes
// the pull requests the default branch has made needless and deletes the
// branches of those merged or closed.
type Sweeper interface {
	// ClosePull comments (once), closes review request number with a new
	// body (unless "") and deletes branch if its tip is the bot's.
	ClosePull(ctx context.Context, number int, branch, comment, body string) error
	// Comment writes body on review request number, unless a comment
	// of the bot's says it already.
	Comment(ctx context.Context, number int, body string) error
	// Owned returns nil when branch's tip is the bot's commit, an error
	// wrapping ErrRefusedBranch when someone else committed it.
	Owned(ctx context.Context, branch string) error
	// DeleteBranch deletes branch if its tip is the bot's commit, and
	// reports whether it did (false: it was gone); a person's commit is
	// refused with an error wrapping ErrRefusedBranch.
	DeleteBranch(ctx context.Context, branch string) (bool, error)
}

// Swept remembers the closed review requests whose branch a reconcile
// has dealt with, so later reconciles do not ask the forge again. It is
// safe for concurrent use; the zero value is not: call NewSwept.
type Swept struct {
	mu    sync.Mutex
	done  map[string]bool
	store SweptStore
}

// NewSwept returns an empty memory.
func NewSwept() *Swept { return &Swept{done: map[string]bool{}} }

// SweptStore keeps a Swept's memory outside the process (the job
// database), so a restart does not check every open branch again. A
// failing store forgets: a branch is checked again, never wrongly.
type SweptStore interface {
	Get(kind, key string) ([]byte, bool)
	Set(kind, key string, value []byte)
	Delete(kind, key string)
}

// sweptKind is the kind of a Swept's entries in its store.
const sweptKind = "swept"

// NewStoredSwept returns a memory kept in s.
func NewStoredSwept(s SweptStore) *Swept { return &Swept{store: s} }

// storeKey spells id for the store: PostgreSQL text holds no NUL.
func storeKey(id string) string { return strings.ReplaceAll(id, "\x00", " ") }

// ownHead reports whether a reconcile of key saw, or made, head as the
// bot's commit.
func (s *Swept) ownHead(key, head string) bool {
	return head != "" && !s.first(key+"\x00head\x00"+head)
}

// markHead records head as a commit of the bot's.
func (s *Swept) markHead(key, head string) {
	if head != "" {
		s.first(key + "\x00head\x00" + head)
	}
}

// first reports whether id is new, and records it. A nil Swept
// remembers nothing.
func (s *Swept) first(id string) bool {
	if s == nil {
		return true
	}
	if s.store != nil {
		// Reconciles of one repository never run at once (one job per
		// repository), so a read then a write is enough.
		if _, ok := s.store.Get(sweptKind, storeKey(id)); ok {
			return false
		}
		s.store.Set(sweptKind, storeKey(id), nil)
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done[id] {
		return false
	}
	s.done[id] = true
	return true
}

// forget lets id be tried again (its sweep failed).
func (s *Swept) forget(id string) {
	if s != nil && s.store != nil {
		s.store.Delete(sweptKind, storeKey(id))
		return
	}
	if s != nil {
		s.mu.Lock()
		delete(s.done, id)
		s.mu.Unlock()
	}
}

// sweep closes the open changes the default branch has superseded (it
// pins every layer they bump at their target version or newer) and
// deletes the branches of merged and closed changes that no open change
// and no update of this run (busy) uses. It returns how many it closed and
// deleted; errors are logged, the next reconcile tries again.
func (r *Reconciler) sweep(ctx context.Context, key string, f Forge, known []OpenChange, pins []ref.Reference, busy map[string]bool, log *slog.Logger) (closed, deleted int) {
	s, ok := f.(Sweeper)
	if !ok {
		return 0, 0
	}
	open := map[string]bool{}
	for _, c := range known {
		open[c.Branch] = open[c.Branch] || !c.Closed
	}
	for _, c := range known {
		switch {
		case !c.Closed && !busy[c.Branch] && superseded(c, pins) && !r.rebuilding(c.Branch):
			comment := "The default branch already pins " + strings.Join(targets(c), ", ") +
				": this pull request is no longer needed, so bumpbot closes it and deletes its branch."
			if err := s.ClosePull(ctx, c.Number, c.Branch, comment, Forget(c.Body)); err != nil {
				log.Warn("cannot close a superseded pull request", "number", c.Number, "error", err)
				continue
			}
			log.Info("superseded pull request closed", "number", c.Number, "branch", c.Branch)
			r.Swept.first(sweptID(key, c.Number)) // its branch went with it
			closed++
		case c.Closed && !busy[c.Branch] && !open[c.Branch]:
			id := sweptID(key, c.Number)
			if !r.Swept.first(id) {
				continue
			}
			gone, err := s.DeleteBranch(ctx, c.Branch)
			if errors.Is(err, ErrRefusedBranch) {
				continue // a person's commits: their branch to delete
			}
			if err != nil {
				r.Swept.forget(id)
				log.Warn("cannot delete the branch of a closed pull request", "number", c.Number, "branch", c.Branch, "error", err)
				continue
			}
			if gone {
				deleted++
			}
		}
	}
	return closed, deleted
}

// sweptID names a closed review request of a repository in Swept.
func sweptID(key string, number int) string { return fmt.Sprintf("%s\x00%d", key, number) }

func (r *Reconciler) rebuilding(branch string) bool {
	_, ok := r.Rebuild[branch]
	return ok
}

// superseded reports whether the default branch pins every layer c bumps
// (by name and region) at c's target version or newer, and pins it at
// all: c would change nothing the default branch lacks.
func superseded(c OpenChange, pins []ref.Reference) bool {
	bumps := BumpsOf(c.Body)
	if len(bumps) == 0 {
		return false
	}
	for _, b := range bumps {
		seen := false
		for _, p := range pins {
			if p.Layer != b.Layer || p.Region != b.Region {
				continue
			}
			if p.Version == nil || *p.Version < b.To {
				return false
			}
			seen = true
		}
		if !seen {
			return false
		}
	}
	return true
}

// targets names the versions c moves to, for its closing comment.
func targets(c OpenChange) []string {
	var out []string
	for _, b := range BumpsOf(c.Body) {
		out = append(out, fmt.Sprintf("`%s` at version %d or newer", b.Layer, b.To))
	}
	return out
}

// stillOurs checks, for an open change that needs no update, that its
// branch is still the bot's alone: a tip the bot made or checked before
// costs nothing, another is checked once through the forge (without a
// Swept memory nothing is checked: every reconcile would pay for it). It returns
// false (and says so on the change, once) when someone else pushed.
func (r *Reconciler) stillOurs(ctx context.Context, key string, f Forge, c *OpenChange, log *slog.Logger) bool {
	s, ok := f.(Sweeper)
	if !ok || c.Head == "" || r.Swept == nil || r.Swept.ownHead(key, c.Head) {
		return true
	}
	err := s.Owned(ctx, c.Branch)
	if errors.Is(err, ErrRefusedBranch) {
		r.sayRefused(ctx, f, c, log)
		return false
	}
	if err != nil {
		r.Swept.forget(key + "\x00head\x00" + c.Head)
		log.Warn("cannot check who committed a pull request's branch", "number", c.Number, "error", err)
	}
	return true
}

// sayRefused tells, once, on an open change whose branch someone else
// pushed to, that the bot leaves it alone and how to hand it back.
func (r *Reconciler) sayRefused(ctx context.Context, f Forge, existing *OpenChange, log *slog.Logger) {
	s, ok := f.(Sweeper)
	if !ok || existing == nil {
		return
	}
	slug := "bumpbot"
	if r.Slug != nil {
		var err error
		if slug, err = r.Slug(ctx); err != nil {
			log.Warn("cannot say why a pull request is no longer updated", "number", existing.Number, "error", err)
			return
		}
	}
	body := fmt.Sprintf("Someone other than @%s pushed to this branch, so %s no longer updates it. "+
		"Comment `@%s recreate` to have it rebuilt from scratch (the commits pushed to it are then discarded).", slug, slug, slug)
	if err := s.Comment(ctx, existing.Number, body); err != nil {
		log.Warn("cannot say why a pull request is no longer updated", "number", existing.Number, "error", err)
	}
}

// baseMarker starts the hidden line of a pull request's body that records
// the blob of each file the bot's commit edits as the default branch held
// it then.
const baseMarker = "<!-- bumpbot-base: "

// baseLine records the blobs of snap that u's files were edited from.
func baseLine(u Update, snap Snapshot) string {
	sha := map[string]string{}
	for _, e := range snap.Entries {
		sha[e.Path] = e.SHA
	}
	var parts []string
	for _, f := range u.Files {
		if s := sha[f.Path]; s != "" && !strings.ContainsAny(f.Path, " =") {
			parts = append(parts, f.Path+"="+s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return baseMarker + strings.Join(parts, " ") + " -->"
}

// staleBase reports whether a file the open change edits changed on the
// default branch since the bot's commit was made: the commit may no
// longer apply (the same line changed), so it is rebuilt on the new tip
// (Publish still refuses a branch someone else pushed to). A body
// without the line (a pull request of an older bumpbot) is not stale.
func staleBase(body string, snap Snapshot) bool {
	i := strings.Index(body, baseMarker)
	if i < 0 {
		return false
	}
	line, _, ok := strings.Cut(body[i+len(baseMarker):], " -->")
	if !ok {
		return false
	}
	sha := map[string]string{}
	for _, e := range snap.Entries {
		sha[e.Path] = e.SHA
	}
	for _, f := range strings.Fields(line) {
		path, was, ok := strings.Cut(f, "=")
		if ok && sha[path] != was {
			return true
		}
	}
	return false
}
