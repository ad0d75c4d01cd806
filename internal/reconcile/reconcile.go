// Package reconcile is the one loop both front doors share: read the
// default branch of a repository (GitHub) or a working tree (the CLI)
// through a Forge, ask a Planner which layer pins can move, and open or
// update one change per layer, or one for all (Grouping). Every step is
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
	"sync"
	"sync/atomic"
	"time"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// Update is one planned change: one layer's bump, or several merged (see
// Grouping), with the new bytes of every file it edits.
type Update struct {
	// ID is the planner's name for a per-layer update, which Merge takes.
	ID        string
	Layer     string // layer name, e.g. "AWSLambdaPowertoolsPythonV3-python312-x86_64"
	Partition string
	Region    string // as the files spell it: a region, or a placeholder
	Account   string
	From      int // the oldest version pinned today
	To        int
	// Moves are the pins the update moves, in file order.
	Moves []Move
	// Files holds the full new contents, paths relative to the root.
	Files []ref.File
	// Body is the changelog and compatibility notes, markdown.
	Body string
	// Parts are the per-layer updates a merged update carries; nil for a
	// per-layer update.
	Parts []Update
	// Group names the configuration's group a merged update is, "" for
	// all layers in one.
	Group string
}

// Move is one pin an update moves.
type Move struct {
	At        ref.Pos // the reference
	VersionAt ref.Pos // the literal edited: At's, or a variable's
	Function  string  // the function(s) the layer is attached to, if known
	From, To  int
	// FromText is the version as written when it is a word (latest),
	// which AWS does not accept; From is then 0.
	FromText string
}

// Plan is a Planner's answer.
type Plan struct {
	// Updates are the bumps, one per layer.
	Updates []Update
	// Merge returns one update carrying the given updates (some of
	// Updates) together, every file holding all of their edits. Nil when
	// the planner cannot merge.
	Merge func(parts []Update) (Update, error)
	// Report is everything the plan found, for a reader: the CLI prints
	// it.
	Report bump.Report
}

// Planner decides the updates for a set of files.
type Planner interface {
	Plan(ctx context.Context, in bump.Input) (Plan, error)
}

// Grouping says how updates become changes.
type Grouping int

const (
	// PerLayer proposes one change per layer: a pull request per layer
	// that a maintainer can merge or close on its own.
	PerLayer Grouping = iota
	// AllInOne proposes one change carrying every update: a working tree
	// is written in one go, and a file pinning two layers gets both edits
	// (per-layer changes of one file would each hold one).
	AllInOne
)

// Labels are put on every pull request the bot opens.
var Labels = []string{"dependencies", "lambda-layers"}

// byteSize renders a size for a person: 12 MiB, 300 KiB, 80 bytes.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// Reconciler runs reconciles. It is safe for concurrent use on different
// repositories.
type Reconciler struct {
	Planner Planner
	Cache   *BlobCache // nil: no cache
	Log     *slog.Logger
	// MaxFileSize skips larger files with a note (an error for a file
	// named on its own); 0 means rewrite.DefaultMaxFileSize, the scanner's
	// own limit, so the App and the CLI read the same files.
	MaxFileSize int64
	Grouping    Grouping
	// Include, when set, chooses the files considered by path (the
	// repository configuration's paths); nil considers every candidate.
	Include func(path string) bool
	// ReadConfig makes the reconcile read the repository's configuration
	// (config.RepoPath) from the snapshot, over Config's defaults, and
	// follow it: paths, strategy, regions, ignore rules, grouping, labels,
	// reviewers, assignees, commit prefix, open pull request limit. The
	// App sets it; the CLI layers the file under its flags itself.
	ReadConfig bool
	Config     ConfigSource
	// Now is the clock the configuration's schedule is read with (nil:
	// time.Now).
	Now func() time.Time
	// Policy, when set, returns the org's security policy: no bump lands
	// on a version it rejects, and a pull request moving a pin off a
	// version it rejects is a security pull request (its labels and team
	// reviewers, the rule's reason first in the description).
	Policy func(ctx context.Context) (*policy.Policy, error)
	// Ignores are the ignores maintainers made with comment commands:
	// honoured like the configuration's (with ReadConfig) and listed in
	// the description of the pull requests of their layers.
	Ignores []Ignore
	// Rebuild names branches to publish again even when their pull
	// request carries the update already (the rebase and recreate
	// commands); true takes the branch back from whoever pushed to it.
	Rebuild map[string]bool
	// Swept remembers across reconciles the closed pull requests whose
	// branch was dealt with; nil asks the forge on every reconcile.
	Swept *Swept
	// Slug returns the app's slug, how comments address it; nil reads
	// "bumpbot". Asked only when a comment needs it.
	Slug func(context.Context) (string, error)
	// Force names branches to publish now whatever the configuration's
	// schedule and open-pull-requests-limit say: a maintainer asked for
	// them (the dashboard issue's boxes).
	Force map[string]bool
}

// Result tells what one reconcile did.
type Result struct {
	Candidates int // candidate files on the default branch
	Fetched    int // of which read through the forge (not cached)
	Opened     int
	Updated    int
	Unchanged  int // updates an open change already carries
	// Declined counts updates not proposed because a maintainer closed,
	// without merging, the bot's change for the same layer, region and
	// target version.
	Declined int
	// Refused counts updates whose branch holds commits the bot did not
	// make (a person created it, or pushed to the bot's pull request):
	// the forge leaves such a branch alone.
	Refused int
	Changes []Published
	// Report is what the plan found (changes, changelogs, errors, notes),
	// whatever was published.
	Report bump.Report
	// Planned is true once the files were read and planned: Report then
	// says what the repository holds, even if publishing failed later.
	Planned bool
	// Config is the configuration followed (ReadConfig), and ConfigValid
	// whether the repository's file, if any, parsed: a broken one leaves
	// its problems in Report.Errors (kind problem.Config) and the last
	// valid configuration, or the defaults, in force.
	Config      config.Repo
	ConfigValid bool
	// Limited counts updates not opened because the repository has
	// open-pull-requests-limit bot pull requests open already.
	Limited int
	// Held counts updates not published because the configuration's
	// schedule is not due (they go out in its next window).
	Held int
	// Pending are the updates held by the schedule or the limit (Held
	// and Limited), in plan order.
	Pending []Held
	// Closed counts the bot's pull requests closed because the default
	// branch holds their versions already; Deleted the branches of merged
	// or closed ones deleted (see Sweeper).
	Closed, Deleted int
}

// Run reconciles the repository behind f; key names it in the blob cache
// (for example "installation/owner/name").
func (r *Reconciler) Run(ctx context.Context, key string, f Forge) (Result, error) {
	log := r.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	res := Result{Report: bump.NewReport()}
	snap, err := f.Snapshot(ctx)
	if err != nil {
		return res, err
	}
	if snap.Truncated {
		log.Warn("file listing truncated by the forge; reconciling the files listed")
	}
	var cfgProblems []problem.Problem
	res.ConfigValid = true
	if r.ReadConfig {
		if res.Config, cfgProblems, err = r.loadConfig(ctx, f, snap); err != nil {
			return res, err
		}
		for _, p := range cfgProblems {
			res.ConfigValid = res.ConfigValid && p.File != config.RepoPath
		}
	}
	in, modes, err := r.read(ctx, key, f, snap, res.Config, &res)
	if err != nil {
		return res, err
	}
	if r.ReadConfig {
		effective := withIgnores(res.Config, r.Ignores)
		in.Config = &effective
	}
	var pol *policy.Policy
	if r.Policy != nil {
		if pol, err = r.Policy(ctx); err != nil {
			return res, fmt.Errorf("security policy: %w", err)
		}
		if pol != nil {
			in.Rejected = pol.Ranges
		}
	}
	plan, err := r.Planner.Plan(ctx, in)
	if err != nil {
		return res, fmt.Errorf("plan: %w", err)
	}
	res.Report, res.Planned = plan.Report, true
	res.Report.Errors = append(cfgProblems, res.Report.Errors...)
	if _, sweeps := f.(Sweeper); len(plan.Updates) == 0 && !sweeps {
		return res, nil
	}
	known, err := f.OpenChanges(ctx)
	if err != nil {
		return res, err
	}
	byBranch := map[string]*OpenChange{}
	var closed []OpenChange
	for i, c := range known {
		switch {
		case c.Merged:
		case c.Closed:
			closed = append(closed, c)
		default:
			byBranch[c.Branch] = &known[i]
		}
	}
	var kept []Update
	for _, u := range plan.Updates {
		if n, ok := declined(u, closed); ok {
			res.Declined++
			log.Info("bump declined: a maintainer closed its pull request without merging", "layer", u.Layer, "region", u.Region, "to", u.To, "number", n)
			continue
		}
		kept = append(kept, u)
	}
	updates, err := r.group(plan, kept, res.Config.Group)
	if err != nil {
		return res, err
	}
	busy := map[string]bool{}
	for _, u := range updates {
		busy[BranchName(u, updates)] = true
	}
	// Closing superseded pull requests and deleting dead branches is
	// housekeeping, not publishing: the schedule does not hold it.
	res.Closed, res.Deleted = r.sweep(ctx, key, f, known, plan.Report.Pins, busy, log)
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	// The schedule gates publishing only: the plan, its problems and the
	// layer index are already recorded.
	due := res.Config.Schedule.Due(now())
	open := len(byBranch) - res.Closed
	var errs []error
	for _, u := range updates {
		// A security update goes out at once: the repository's schedule
		// and limit cannot hold back what the org's policy requires.
		fixes := securityLines(u, pol, now())
		urgent := len(fixes) > 0
		if branch := BranchName(u, updates); !due && !r.Force[branch] && !urgent {
			if existing := byBranch[branch]; existing != nil && strings.Contains(existing.Body, marker(u)) {
				res.Unchanged++ // its pull request is open already: nothing waits
				continue
			}
			res.Held++
			res.Pending = append(res.Pending, Held{Branch: branch, Title: Title(u), Reason: HeldBySchedule})
			continue
		}
		c := r.change(u, snap, modes, updates, res.Config)
		securityChange(&c, pol, fixes)
		existing := byBranch[c.Branch]
		_, rebuild := r.Rebuild[c.Branch]
		if existing != nil && strings.Contains(existing.Body, marker(u)) && !rebuild && !staleBase(existing.Body, snap) {
			if !r.stillOurs(ctx, key, f, existing, log) {
				res.Refused++
				continue
			}
			res.Unchanged++
			continue
		}
		if limit := res.Config.OpenPullRequestsLimit; existing == nil && limit > 0 && open >= limit && !r.Force[c.Branch] && !urgent {
			res.Limited++
			res.Pending = append(res.Pending, Held{Branch: c.Branch, Title: Title(u), Reason: HeldByLimit})
			log.Info("bump held back: open-pull-requests-limit reached", "layer", u.Layer, "to", u.To, "limit", limit)
			continue
		}
		pub, err := f.Publish(ctx, c, existing)
		if errors.Is(err, ErrRefusedBranch) {
			// The branch holds someone else's commits: it stays as it
			// is, and retrying would not change that.
			res.Refused++
			log.Warn("branch left alone", "branch", c.Branch, "error", err)
			r.sayRefused(ctx, f, existing, log)
			continue
		}
		if err != nil {
			if u.Parts == nil {
				err = fmt.Errorf("layer %s: %w", u.Layer, err)
			}
			errs = append(errs, err)
			continue
		}
		r.Swept.markHead(key, pub.Head)
		if pub.Opened {
			res.Opened++
			open++
		} else {
			res.Updated++
		}
		res.Changes = append(res.Changes, pub)
		log.Info("change published", "branch", c.Branch, "layer", u.Layer, "region", u.Region, "to", u.To, "number", pub.Number, "opened", pub.Opened)
		if pub.AutoMergeRefused != "" {
			log.Warn("auto-merge not enabled", "number", pub.Number, "reason", pub.AutoMergeRefused)
		}
	}
	if res.Held > 0 {
		log.Info("bumps held until the schedule is due", "updates", res.Held, "interval", res.Config.Schedule.Interval)
	}
	return res, errors.Join(errs...)
}

// group turns the per-layer updates kept into the changes to propose:
// one per layer, one for all (Grouping AllInOne, or the configuration's
// group: all), or one per named group of the configuration, each
// gathering the layers its globs match (the others stay per layer).
func (r *Reconciler) group(plan Plan, kept []Update, g config.Group) ([]Update, error) {
	if len(kept) == 0 {
		return kept, nil
	}
	all := r.Grouping == AllInOne || g.Mode == "all"
	if !all && len(g.Groups) == 0 {
		return kept, nil
	}
	if plan.Merge == nil {
		return nil, errors.New("plan: the planner cannot merge updates into one change")
	}
	if all {
		u, err := plan.Merge(kept)
		if err != nil {
			return nil, fmt.Errorf("plan: %w", err)
		}
		return []Update{u}, nil
	}
	var out []Update
	taken := make([]bool, len(kept))
	for _, ng := range g.Groups {
		var parts []Update
		for i, u := range kept {
			if !taken[i] && matchesAny(ng.Layers, u) {
				taken[i] = true
				parts = append(parts, u)
			}
		}
		if len(parts) == 0 {
			continue
		}
		u, err := plan.Merge(parts)
		if err != nil {
			return nil, fmt.Errorf("plan: group %s: %w", ng.Name, err)
		}
		u.Group = ng.Name
		out = append(out, u)
	}
	for i, u := range kept {
		if !taken[i] {
			out = append(out, u)
		}
	}
	return out, nil
}

func matchesAny(globs []string, u Update) bool {
	for _, g := range globs {
		if config.MatchLayer(g, config.Layer{Partition: u.Partition, Region: u.Region, Account: u.Account, Name: u.Layer}) {
			return true
		}
	}
	return false
}

// declined returns the number of a change closed without merging that
// carried the same bump as u (layer, region, target version), whatever its
// files: the maintainer said no to that version. A newer version is
// proposed again.
func declined(u Update, closed []OpenChange) (int, bool) {
	key := bumpKey(u)
	for _, c := range closed {
		if strings.Contains(c.Body, key) {
			return c.Number, true
		}
	}
	return 0, false
}

// read returns the planner's input: the candidate files of snap, from
// the cache when their SHA is known, and their modes by path. It counts
// candidates and fetches in res.
func (r *Reconciler) read(ctx context.Context, key string, f Forge, snap Snapshot, cfg config.Repo, res *Result) (bump.Input, map[string]string, error) {
	limit := r.MaxFileSize
	if limit <= 0 {
		limit = rewrite.DefaultMaxFileSize
	}
	cached := r.Cache.get(ctx, key)
	keep := map[string][]byte{}
	in := bump.Input{Named: snap.Named, Warnings: slices.Clone(snap.Warnings)}
	modes := map[string]string{}
	var wanted []Entry
	for _, e := range snap.Entries {
		// A file named on its own is read whatever its kind, as the
		// scanner reads it; a tree's files by the scanner's one rule.
		if !snap.Named && !rewrite.IsCandidate(e.Path, false) || r.Include != nil && !r.Include(e.Path) || !cfg.IncludesPath(e.Path) {
			continue
		}
		if e.Size > limit {
			in.Warnings = append(in.Warnings, problem.Newf(problem.TooLarge, e.Path, 0, 0,
				"%s, over the %s limit: not read", byteSize(e.Size), byteSize(limit)))
			continue
		}
		wanted = append(wanted, e)
	}
	res.Candidates += len(wanted)
	reads := readAll(ctx, f, wanted, cached)
	for i, e := range wanted {
		rd := reads[i]
		if errors.Is(rd.err, ErrSkipFile) {
			in.Warnings = append(in.Warnings, problem.New(problem.Read, e.Path, 0, 0, rd.err))
			continue
		}
		if rd.err != nil {
			return in, nil, rd.err
		}
		if rd.fetched {
			res.Fetched++
		}
		if e.SHA != "" {
			keep[e.SHA] = rd.src // nil: known not to be worth planning
		}
		modes[e.Path] = e.Mode
		if rd.src != nil {
			in.Files = append(in.Files, ref.File{Path: e.Path, Src: rd.src})
		}
	}
	// Only this snapshot's blobs are kept: what a later reconcile can hit.
	r.Cache.put(ctx, key, keep)
	return in, modes, nil
}

// ParallelReader is implemented by forges that can serve several ReadFile
// calls at once (a local directory). Others are read one file at a time:
// GitHub asks integrations not to send concurrent requests, and answers
// them with secondary rate limits.
type ParallelReader interface {
	ReadParallelism() int
}

// fileRead is the outcome of reading one entry: its bytes when the
// scanner would parse them (rewrite.Worth), nil when it would not, which
// keeps the bulk of a large tree out of memory.
type fileRead struct {
	src     []byte
	fetched bool // read through the forge, not the cache
	err     error
}

// readAll reads entries through f, from cached when their SHA is known,
// keeping the entries' order. After the first error other than
// ErrSkipFile no more reads start.
func readAll(ctx context.Context, f Forge, entries []Entry, cached map[string][]byte) []fileRead {
	out := make([]fileRead, len(entries))
	workers := 1
	if p, ok := f.(ParallelReader); ok {
		workers = max(1, p.ReadParallelism())
	}
	var (
		next   atomic.Int64
		failed atomic.Bool
		wg     sync.WaitGroup
	)
	for range min(workers, len(entries)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(entries) {
					return
				}
				e := entries[i]
				if src, ok := cached[e.SHA]; ok && e.SHA != "" {
					out[i].src = src
					continue
				}
				src, err := f.ReadFile(ctx, e)
				out[i] = fileRead{fetched: err == nil, err: err}
				if err != nil && !errors.Is(err, ErrSkipFile) {
					failed.Store(true)
				}
				if err == nil && rewrite.Worth(e.Path, src) {
					out[i].src = src
				}
			}
		}()
	}
	wg.Wait()
	return out
}

var unsafeRef = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// BranchName is the branch of one update: bumpbot/<layer>, plus the
// account and the region, each only when another update of the same run
// has the same layer name but another account or region, so two updates
// never share a branch; bumpbot/layers for a merged update.
func BranchName(u Update, all []Update) string {
	if u.Parts != nil {
		if u.Group != "" {
			return BranchPrefix + "group-" + strings.Trim(branchPart(u.Group), ".-")
		}
		return BranchPrefix + "layers"
	}
	name := branchPart(u.Layer)
	otherAccount, otherRegion := false, false
	for _, o := range all {
		if o.Parts == nil && o.Layer == u.Layer {
			otherAccount = otherAccount || o.Account != u.Account
			otherRegion = otherRegion || o.Region != u.Region
		}
	}
	if otherAccount {
		name += "-" + branchPart(u.Account)
	}
	if otherRegion {
		name += "-" + branchPart(u.Region)
	}
	name = strings.Trim(name, ".-")
	if name == "" {
		name = "layer"
	}
	return BranchPrefix + name
}

// branchPart makes a name safe in a branch name.
func branchPart(s string) string { return unsafeRef.ReplaceAllString(s, "-") }

func (r *Reconciler) change(u Update, snap Snapshot, modes map[string]string, all []Update, cfg config.Repo) Change {
	if section := ignoresSection(u, r.Ignores); section != "" {
		u.Body = strings.TrimRight(u.Body, "\n") + "\n" + section
	}
	branch := BranchName(u, all)
	c := Change{
		Branch:        branch,
		Takeover:      r.Rebuild[branch],
		Base:          snap,
		Message:       prefixed(cfg, Title(u)),
		Title:         prefixed(cfg, Title(u)),
		Body:          Body(u, Site{WebURL: snap.WebURL, Commit: snap.Commit, Bases: baseLine(u, snap)}),
		Labels:        labelsOf(cfg),
		Reviewers:     cfg.Reviewers,
		TeamReviewers: cfg.TeamReviewers,
		Assignees:     cfg.Assignees,
	}
	for _, f := range u.Files {
		c.Files = append(c.Files, FileChange{Path: f.Path, Content: f.Src, Mode: modes[f.Path]})
	}
	return c
}
