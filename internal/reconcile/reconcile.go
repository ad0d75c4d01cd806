// Package reconcile is the one loop both front doors share: read the
// default branch of a repository through a Forge, ask a Planner which layer
// pins can move, and open or update one change per layer. Every step is
// idempotent, so a crash, a duplicate event or a retry converges on the
// same branches and pull requests.
package reconcile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// Update is one layer's planned bump: every file that pins the layer, with
// its new bytes.
type Update struct {
	Layer  string // layer name, e.g. "AWSLambdaPowertoolsPythonV3-python312-x86_64"
	Region string
	From   int // the oldest version pinned today
	To     int
	// Files holds the full new contents, paths relative to the root.
	Files []ref.File
	// Body is the changelog and compatibility notes, markdown.
	Body string
}

// Planner decides the updates for a set of files.
type Planner interface {
	Plan(ctx context.Context, files []ref.File) ([]Update, error)
}

// DefaultMaxFileSize skips blobs larger than this: no hand-written
// infrastructure file is that big, and reading them costs requests.
const DefaultMaxFileSize = 1 << 20

// Labels are put on every pull request the bot opens.
var Labels = []string{"dependencies", "lambda-layers"}

// Reconciler runs reconciles. It is safe for concurrent use on different
// repositories.
type Reconciler struct {
	Planner     Planner
	Cache       *BlobCache // nil: no cache
	Log         *slog.Logger
	MaxFileSize int64 // 0: DefaultMaxFileSize
}

// Result tells what one reconcile did.
type Result struct {
	Candidates int // candidate files on the default branch
	Fetched    int // of which read through the forge (not cached)
	Opened     int
	Updated    int
	Unchanged  int // updates an open change already carries
	Changes    []Published
}

// Run reconciles the repository behind f; key names it in the blob cache
// (for example "installation/owner/name").
func (r *Reconciler) Run(ctx context.Context, key string, f Forge) (Result, error) {
	log := r.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var res Result
	snap, err := f.Snapshot(ctx)
	if err != nil {
		return res, err
	}
	if snap.Truncated {
		log.Warn("file listing truncated by the forge; reconciling the files listed")
	}
	files, modes, fetched, err := r.read(ctx, key, f, snap)
	res.Candidates, res.Fetched = len(files), fetched
	if err != nil {
		return res, err
	}
	updates, err := r.Planner.Plan(ctx, files)
	if err != nil {
		return res, fmt.Errorf("plan: %w", err)
	}
	if len(updates) == 0 {
		return res, nil
	}
	open, err := f.OpenChanges(ctx)
	if err != nil {
		return res, err
	}
	byBranch := map[string]*OpenChange{}
	for i := range open {
		byBranch[open[i].Branch] = &open[i]
	}
	var errs []error
	for _, u := range updates {
		c := r.change(u, snap, modes, updates)
		existing := byBranch[c.Branch]
		if existing != nil && strings.Contains(existing.Body, marker(u)) {
			res.Unchanged++
			continue
		}
		pub, err := f.Publish(ctx, c, existing)
		if err != nil {
			errs = append(errs, fmt.Errorf("layer %s: %w", u.Layer, err))
			continue
		}
		if pub.Opened {
			res.Opened++
		} else {
			res.Updated++
		}
		res.Changes = append(res.Changes, pub)
		log.Info("pull request published", "layer", u.Layer, "region", u.Region, "to", u.To, "number", pub.Number, "opened", pub.Opened)
	}
	return res, errors.Join(errs...)
}

// read returns the candidate files of snap, from the cache when their SHA
// is known, and their modes by path.
func (r *Reconciler) read(ctx context.Context, key string, f Forge, snap Snapshot) ([]ref.File, map[string]string, int, error) {
	limit := r.MaxFileSize
	if limit <= 0 {
		limit = DefaultMaxFileSize
	}
	cached := r.Cache.get(key)
	keep := map[string][]byte{}
	var files []ref.File
	modes := map[string]string{}
	fetched := 0
	for _, e := range snap.Entries {
		if !IsCandidate(e.Path) || e.Size > limit {
			continue
		}
		src, ok := cached[e.SHA]
		if !ok || e.SHA == "" {
			var err error
			if src, err = f.ReadFile(ctx, e); err != nil {
				return nil, nil, fetched, err
			}
			fetched++
		}
		if e.SHA != "" {
			keep[e.SHA] = src
		}
		files = append(files, ref.File{Path: e.Path, Src: src})
		modes[e.Path] = e.Mode
	}
	// Only this snapshot's blobs are kept: what a later reconcile can hit.
	r.Cache.put(key, keep)
	return files, modes, fetched, nil
}

var unsafeRef = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// BranchName is the branch of one update: bumpbot/<layer>, plus the region
// only when another update of the same run has the same layer name.
func BranchName(u Update, all []Update) string {
	name := unsafeRef.ReplaceAllString(u.Layer, "-")
	for _, o := range all {
		if o.Layer == u.Layer && o.Region != u.Region {
			name += "-" + unsafeRef.ReplaceAllString(u.Region, "-")
			break
		}
	}
	name = strings.Trim(name, ".-")
	if name == "" {
		name = "layer"
	}
	return BranchPrefix + name
}

// Title is the pull request title of an update.
func Title(u Update) string {
	return fmt.Sprintf("Bump %s layer from %d to %d", u.Layer, u.From, u.To)
}

// marker identifies what an open change carries (layer, region, target
// version, files), hidden in its body. A change carrying the same marker
// needs nothing; any other is updated in place.
func marker(u Update) string {
	paths := make([]string, 0, len(u.Files))
	for _, f := range u.Files {
		paths = append(paths, f.Path)
	}
	slices.Sort(paths)
	return fmt.Sprintf("<!-- bumpbot: layer=%s region=%s to=%d files=%s -->", u.Layer, u.Region, u.To, strings.Join(paths, ","))
}

func (r *Reconciler) change(u Update, snap Snapshot, modes map[string]string, all []Update) Change {
	c := Change{
		Branch:  BranchName(u, all),
		Base:    snap,
		Message: Title(u),
		Title:   Title(u),
		Body:    Body(u),
		Labels:  Labels,
	}
	for _, f := range u.Files {
		c.Files = append(c.Files, FileChange{Path: f.Path, Content: f.Src, Mode: modes[f.Path]})
	}
	return c
}

// Body is the pull request description: the planner's changelog, the
// redeploy reminder, how to drive the bot, and the hidden marker.
func Body(u Update) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(u.Body, "\n"))
	fmt.Fprintf(&b, "\n\n> [!IMPORTANT]\n> Functions pick up layer version %d only when they are redeployed: merging this pull request changes the code, not the functions already running.\n", u.To)
	b.WriteString("\n<details>\n<summary>About this pull request</summary>\n\n")
	b.WriteString("bumpbot opened this pull request because a newer version of the layer is published. ")
	b.WriteString("It keeps this branch up to date: when an even newer version appears, it rewrites the branch and this description, so push your own changes to another branch. ")
	b.WriteString("Merge it to take the update. Layers, versions and schedules are configured in `.github/bumpbot.yml`.\n</details>\n\n")
	b.WriteString(marker(u))
	b.WriteString("\n")
	return b.String()
}
