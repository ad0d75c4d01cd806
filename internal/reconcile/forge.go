package reconcile

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bumpbot/bumpbot/internal/problem"
)

// BranchPrefix is the only branch namespace the bot ever writes to. Forges
// enforce it themselves (see CheckBranch), so a planning bug cannot push
// to a default branch or to a person's branch.
const BranchPrefix = "bumpbot/"

// ErrRefusedBranch is returned by a forge asked to write a branch outside
// BranchPrefix or the base branch itself.
var ErrRefusedBranch = errors.New("refusing to write a branch outside " + BranchPrefix)

// CheckBranch returns an error wrapping ErrRefusedBranch unless branch is a
// well-formed name under BranchPrefix that differs from base.
func CheckBranch(branch, base string) error {
	name := strings.TrimPrefix(branch, BranchPrefix)
	switch {
	case !strings.HasPrefix(branch, BranchPrefix) || name == "":
		return fmt.Errorf("branch %q: %w", branch, ErrRefusedBranch)
	case branch == base:
		return fmt.Errorf("branch %q is the base branch: %w", branch, ErrRefusedBranch)
	case strings.Contains(name, "..") || strings.ContainsAny(name, " ~^:?*[\\") || strings.HasSuffix(name, "/") ||
		strings.HasSuffix(name, ".lock") || strings.HasPrefix(name, "/"):
		return fmt.Errorf("branch %q is not a valid ref name: %w", branch, ErrRefusedBranch)
	}
	return nil
}

// Entry is one file of a snapshot.
type Entry struct {
	Path string
	// SHA identifies the content (git blob SHA for GitHub, a content hash
	// for a directory); equal SHAs mean equal bytes.
	SHA  string
	Mode string // git file mode, "100644" when unknown
	Size int64
}

// Snapshot is the default branch at one commit: the files a reconcile reads.
type Snapshot struct {
	Branch string // the default branch name
	Commit string // head commit of Branch
	Tree   string // root tree of Commit
	// WebURL is where people browse the repository
	// (https://github.com/owner/name), for links to pinned lines; "" for
	// a working tree.
	WebURL  string
	Entries []Entry
	// Truncated reports that the forge could not list every file (GitHub
	// truncates very large recursive trees); the reconcile works on what
	// it got and says so in the log.
	Truncated bool
	// Named says the entries were named one by one (a file argument of
	// the CLI) rather than listed from a tree: each is scanned whatever its
	// kind, Markdown included.
	Named bool
	// Warnings are problems met while listing (an unreadable directory);
	// they are reported with the plan's notes.
	Warnings []problem.Problem
}

// ErrSkipFile is wrapped by a ReadFile error that concerns that file only
// (a file of a working tree the user may not read): the reconcile reports
// it on the file and goes on, where any other error stops it.
var ErrSkipFile = errors.New("file skipped")

// FileChange is the new content of one file.
type FileChange struct {
	Path    string
	Content []byte
	Mode    string // kept from the snapshot entry
}

// Change is one proposed change: a branch holding a commit on top of the
// base snapshot, and the review request (pull request) that presents it.
type Change struct {
	Branch  string // under BranchPrefix
	Base    Snapshot
	Files   []FileChange
	Message string // commit message
	Title   string
	Body    string
	Labels  []string
	// Reviewers, TeamReviewers and Assignees are asked for on the review
	// request when it is opened (the repository configuration's).
	Reviewers, TeamReviewers, Assignees []string
	// SecurityLabels and SecurityTeams are labels and team reviewers the
	// pull request must carry even when it is only updated: a bump pull
	// request that a policy change made a security fix gets them then.
	SecurityLabels, SecurityTeams []string
	// AutoMerge asks the forge to merge the pull request once its
	// required reviews and checks pass (a security pull request whose
	// policy says automerge).
	AutoMerge bool
	// Takeover lets Publish overwrite the branch even when someone else
	// pushed to it (the recreate command).
	Takeover bool
}

// OpenChange is a review request the bot opened earlier that is still open
// or was closed without being merged.
type OpenChange struct {
	Number int
	Branch string
	Title  string
	Body   string
	URL    string
	// Closed is true for a review request a maintainer closed without
	// merging it: the bot does not propose the same bump again.
	Closed bool
	// Merged is true (with Closed) for a merged one, listed only so its
	// branch can be deleted (Sweeper).
	Merged bool
	// Head is the branch's tip commit as the listing gave it, "" when
	// unknown.
	Head string
}

// Published is what Publish did.
type Published struct {
	Number int
	URL    string
	// Head is the commit the branch now points at, "" when unknown.
	Head string
	// Opened is true when a new review request was opened, false when an
	// existing one was updated in place.
	Opened bool
	// AutoMergeRefused says why the forge did not enable the auto-merge
	// the change asked for (the repository does not allow it, say); ""
	// when it did or none was asked.
	AutoMergeRefused string
}

// Forge is what a reconcile needs from where the code lives: GitHub (the
// app) or a local directory (the CLI).
type Forge interface {
	// Snapshot lists the default branch's files.
	Snapshot(ctx context.Context) (Snapshot, error)
	// ReadFile returns the bytes of one snapshot entry.
	ReadFile(ctx context.Context, e Entry) ([]byte, error)
	// OpenChanges lists the bot's review requests (branches under
	// BranchPrefix) that are open or were closed; merged ones are
	// marked Merged (a forge that cannot delete branches may leave them
	// out).
	OpenChanges(ctx context.Context) ([]OpenChange, error)
	// Publish creates or (when existing is not nil) updates the change.
	// It must refuse any branch CheckBranch rejects, before any write.
	Publish(ctx context.Context, c Change, existing *OpenChange) (Published, error)
}
