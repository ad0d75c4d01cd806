// Package bump plans version bumps: it takes the references the scanner
// found, resolves each against a registry and turns the outcome into
// byte-exact edits of the files, with a changelog per bump. The reconcile
// both front doors run (`bumpbot bump` on a working tree, the GitHub App on
// a repository) calls it on the files its forge read.
package bump

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// Options tune a plan.
type Options struct {
	Strategy layers.Strategy
	// Regions are the regions a reference whose region is a placeholder
	// deploys to; its target must exist in all of them.
	Regions []string
	// Changelog describes each bump; nil means MetadataChangelog on the
	// plan's registry.
	Changelog Changelogger
	// Ignore, when set, says which versions of a layer never to move to
	// (ranges), or that the layer is not to be bumped at all (whole): the
	// repository configuration's ignore rules.
	Ignore func(config.Layer) (ranges []config.VersionRange, whole bool)
	// Rejected, when set, says which versions of a layer the security
	// policy forbids: stepped over like ignored ones, and reported as the
	// policy's, not the configuration's.
	Rejected func(config.Layer) []config.VersionRange
	// Contents reads layer contents for the checks of each function's
	// stack (unzipped size, shadowed files); nil means the Changelog
	// when it is a ContentReader (PackageChangelog), else no such checks.
	Contents ContentReader
}

// Change is one reference moved to a new version (the JSON contract of
// `bumpbot bump --json`). File, Line and Column are the reference's;
// VersionAt is the literal the edit rewrites, which differs from them when
// the version lives in a variable or a parameter.
type Change struct {
	File      string   `json:"file"`
	Line      int      `json:"line"`
	Column    int      `json:"column"`
	VersionAt *ref.Pos `json:"version_at"`
	Partition string   `json:"partition"`
	Region    string   `json:"region"`
	Account   string   `json:"account"`
	Layer     string   `json:"layer"`
	From      int      `json:"from"`
	To        int      `json:"to"`
	// FromText is the pin's version as written when it is not a number
	// (latest); From is then 0.
	FromText string `json:"from_text,omitempty"`
	ARNFrom  string `json:"arn_from"`
	ARNTo    string `json:"arn_to"`
	// Function names the function(s) the layer is attached to, when the
	// file says (a Terraform resource, a template resource, a Serverless
	// function).
	Function string `json:"function,omitempty"`

	// LayerID groups changes for one pull request per layer: the layer
	// name and its account, which a layer keeps in every region.
	LayerID string `json:"-"`
}

// FileEdit is the new content of one file.
type FileEdit struct {
	Path          string
	Before, After []byte
	edits         []layerEdit
}

type layerEdit struct {
	edit    rewrite.Edit
	layerID string
}

// Report is what a plan tells its reader (the JSON contract of `bumpbot
// bump --json`).
type Report struct {
	Changes    []Change `json:"changes"`
	Changelogs []Entry  `json:"changelogs"`
	// Errors are problems that kept a reference or a file from being
	// bumped; they never stop the rest of the plan.
	Errors []problem.Problem `json:"errors"`
	// Notes are remarks that are not errors (a deleted pin that is being
	// bumped away, a shared literal moved to the lowest common target,
	// newer versions that do not suit the function's runtime, a file
	// over the size limit).
	Notes []problem.Problem `json:"notes"`
	// Pins are every reference planned, bumped or not: the layer index
	// of the repository.
	Pins []ref.Reference `json:"-"`
}

// NewReport returns an empty report whose lists encode as [] rather than
// null.
func NewReport() Report {
	return Report{Changes: []Change{}, Changelogs: []Entry{}, Errors: []problem.Problem{}, Notes: []problem.Problem{}}
}

// Add appends o's changes, changelogs, errors and notes to r.
func (r *Report) Add(o Report) {
	r.Changes = append(r.Changes, o.Changes...)
	r.Changelogs = append(r.Changelogs, o.Changelogs...)
	r.Errors = append(r.Errors, o.Errors...)
	r.Notes = append(r.Notes, o.Notes...)
	r.Pins = append(r.Pins, o.Pins...)
}

// Plan is the outcome of planning.
type Plan struct {
	Report
	// Files holds the edited files, sorted by path.
	Files []FileEdit `json:"-"`

	changelogLayers []string // LayerID of each Changelogs entry
}

// Input is a set of files to plan, read from a repository or a working
// tree.
type Input struct {
	// Files are slash-separated paths relative to the tree's root, with
	// their bytes.
	Files []ref.File
	// Named says the files were named one by one (a file argument of the
	// CLI) rather than found in a tree: each is then scanned on its own
	// whatever its kind, Markdown included.
	Named bool
	// Warnings are problems met while listing or reading the files (an
	// unreadable directory or file); they are reported with the scanner's.
	Warnings []problem.Problem
	// Config, when set, is the repository configuration a reconcile read:
	// its strategy, regions and ignore rules replace the planner's.
	Config *config.Repo
	// Rejected, when set, names versions of a layer no bump may land on
	// (the org's security policy), stepped over like ignored ones.
	Rejected func(config.Layer) []config.VersionRange
}

// PlanFiles plans bumps of an in-memory tree of files (a repository tree
// read through the GitHub API, for instance); see PlanInput.
func PlanFiles(ctx context.Context, files []ref.File, reg layers.Registry, opts Options) Plan {
	return PlanInput(ctx, Input{Files: files}, reg, opts)
}

// PlanInput plans bumps of in-memory files. A tree is scanned as
// rewrite.ScanPath scans a directory holding it (rewrite.ScanFiles): the
// HCL files of a directory are one module, so a Terraform version kept in
// a variable of another file of the module is followed and bumped there.
// Named files are scanned as ScanPath scans a file argument.
func PlanInput(ctx context.Context, in Input, reg layers.Registry, opts Options) Plan {
	byPath := map[string][]byte{}
	for _, f := range in.Files {
		byPath[f.Path] = f.Src
	}
	refs, warns := scanInput(in)
	read := func(file string) ([]byte, error) {
		if b, ok := byPath[file]; ok {
			return b, nil
		}
		return nil, fmt.Errorf("%s: not among the files given", file)
	}
	p := PlanRefs(ctx, refs, nil, read, reg, opts)
	for _, w := range warns {
		if isError(w, in.Named) {
			p.Errors = append(p.Errors, w)
		} else {
			p.Notes = append(p.Notes, w)
		}
	}
	sortPlan(&p)
	return p
}

// scanInput finds the references of in and puts its own warnings among
// the scanner's, in the scanner's order (file, then line).
func scanInput(in Input) ([]ref.Reference, []problem.Problem) {
	var refs []ref.Reference
	warns := slices.Clone(in.Warnings)
	if !in.Named {
		r, w := rewrite.ScanFiles(in.Files)
		refs, warns = r, append(warns, w...)
	} else {
		for _, f := range in.Files {
			// ScanPath parses a named file only when it passes the byte
			// prefilter of its kind; either filter failing means no ARN.
			if !layerarn.MayBuildARN(f.Src) && !layerarn.MayHoldARN(f.Src) {
				continue
			}
			r, w := rewrite.ScanFile(f.Path, f.Src)
			refs, warns = append(refs, r...), append(warns, w...)
		}
		ref.Sort(refs)
	}
	problem.Sort(warns)
	return refs, warns
}

// PlanRefs plans bumps of references already scanned; read returns the
// bytes of a reference's file.
func PlanRefs(ctx context.Context, refs []ref.Reference, warns []problem.Problem, read func(file string) ([]byte, error), reg layers.Registry, opts Options) Plan {
	p := Plan{Report: NewReport()}
	p.Pins = slices.DeleteFunc(slices.Clone(refs), func(r ref.Reference) bool { return layerarn.IsPlaceholder(r.Layer) })
	p.Errors = append(p.Errors, StackProblems(Stacks(refs))...)
	for _, w := range warns {
		if isError(w, false) {
			p.Errors = append(p.Errors, w)
		} else {
			p.Notes = append(p.Notes, w)
		}
	}
	var all []resolved
	var words []plannedEdit
	for _, r := range refs {
		if np, ok := NameProblem(r); ok {
			p.Notes = append(p.Notes, np)
			continue
		}
		if r.Version == nil && r.VersionText == "" {
			continue // the version is not written in the file: nothing to bump
		}
		if opts.Ignore != nil && !violates(r, opts) {
			if _, whole := opts.Ignore(layerOf(r)); whole {
				p.Notes = append(p.Notes, note(problem.Ignored, r.Pos, "%s: ignored by the configuration: not bumped", r.Layer))
				continue
			}
		}
		if r.Version == nil {
			if e, ok := p.nonNumeric(ctx, reg, r, opts); ok {
				words = append(words, e)
			}
			continue
		}
		rv := resolveRef(ctx, reg, r, opts, 0)
		if len(rv.ignored) > 0 {
			p.Notes = append(p.Notes, note(problem.Ignored, r.Pos, "%s: version %s ignored by the configuration", r.Layer, joinInts(rv.ignored)))
		}
		if len(rv.rejected) > 0 {
			p.Notes = append(p.Notes, note(problem.Ignored, r.Pos, "%s: version %s rejected by the security policy", r.Layer, joinInts(rv.rejected)))
		}
		switch {
		case errors.Is(rv.err, layers.ErrIncompatible) && len(rv.res.Missing) == 0:
			// Already at the newest version the function can use.
			p.Notes = append(p.Notes, refProblem(r, rv.err))
			rv.err = nil
		case rv.err != nil:
			p.Errors = append(p.Errors, refProblem(r, rv.err))
		}
		all = append(all, rv)
	}
	edits := append(p.chooseEdits(ctx, reg, opts, all), words...)
	p.applyEdits(edits, read)
	p.addChangelogs(ctx, reg, opts, all, edits)
	if cr := contentsOf(opts); cr != nil {
		errs, notes := StackCheck(ctx, cr, opts.Regions, Stacks(refs), p.versionAfter)
		p.Errors, p.Notes = append(p.Errors, errs...), append(p.Notes, notes...)
	}
	sortPlan(&p)
	return p
}

// literal identifies the version digits an edit rewrites; references
// sharing one (a variable default) share the edit.
type literal struct {
	file   string
	offset int
}

// plannedEdit is one literal to rewrite and the references it moves.
type plannedEdit struct {
	lit  literal
	edit rewrite.Edit
	refs []resolved
}

// chooseEdits makes one edit per literal. References sharing a literal
// move together to the newest version they all accept; if one of them
// cannot be resolved or should not move, the literal is left alone.
func (p *Plan) chooseEdits(ctx context.Context, reg layers.Registry, opts Options, all []resolved) []plannedEdit {
	groups := map[literal][]resolved{}
	var order []literal
	for _, rv := range all {
		if rv.r.VersionAt == nil {
			if rv.err == nil && rv.res.Bump() {
				p.Errors = append(p.Errors, note(problem.NotLiteral, rv.r.Pos, "%s: version %d → %d: the version is not one literal in the files, edit it by hand", rv.r.ARN, rv.res.From, rv.res.To))
			}
			continue
		}
		lit := literal{rv.r.VersionAt.File, rv.r.VersionAt.Offset}
		if _, ok := groups[lit]; !ok {
			order = append(order, lit)
		}
		groups[lit] = append(groups[lit], rv)
	}
	var out []plannedEdit
	for _, lit := range order {
		g := groups[lit]
		to, targets, blocked := 0, map[int]bool{}, false
		for _, rv := range g {
			blocked = blocked || rv.err != nil || !rv.res.Bump()
			targets[rv.res.To] = true
			if to == 0 || rv.res.To < to {
				to = rv.res.To
			}
		}
		if blocked {
			if len(g) > 1 && len(targets) > 1 {
				p.Notes = append(p.Notes, note(problem.SharedLiteral, *g[0].r.VersionAt, "version literal shared by %d references, one of which cannot move: left unchanged", len(g)))
			}
			continue
		}
		if len(targets) > 1 {
			if g, to = agree(ctx, reg, opts, g); to == 0 {
				p.Notes = append(p.Notes, note(problem.SharedLiteral, *g[0].r.VersionAt, "version literal shared by %d references with different targets: no newer version all of them accept, left unchanged", len(g)))
				continue
			}
			p.Notes = append(p.Notes, note(problem.SharedLiteral, *g[0].r.VersionAt, "version literal shared by %d references with different targets: moved to the newest version all of them accept, %d", len(g), to))
		}
		e, ok := rewrite.EditFor(g[0].r, to)
		if !ok {
			continue
		}
		for _, rv := range g {
			for _, why := range rv.res.Skipped {
				p.Notes = append(p.Notes, note(problem.Incompatible, rv.r.Pos, "%s: skipped %s", rv.r.Layer, why))
			}
			if len(rv.res.Missing) > 0 {
				p.Notes = append(p.Notes, note(problem.DeletedPin, rv.r.Pos, "pinned version %d does not exist in %s: this bump repairs it", rv.res.From, strings.Join(rv.res.Missing, ", ")))
			}
		}
		out = append(out, plannedEdit{lit: lit, edit: e, refs: g})
	}
	return out
}

// agree finds the version references sharing one literal all move to:
// the smallest of their targets is not enough, since another layer may
// not have that number (deleted, never published) or the function may not
// be able to use it. Each reference aiming higher is resolved again up to
// the smallest target until they all land on one version; 0 means there
// is none.
func agree(ctx context.Context, reg layers.Registry, opts Options, g []resolved) ([]resolved, int) {
	g = slices.Clone(g)
	for {
		to := g[0].res.To
		for _, rv := range g {
			to = min(to, rv.res.To)
		}
		settled := true
		for i, rv := range g {
			if rv.res.To == to {
				continue
			}
			// Each pass lowers the smallest target or settles, so this ends.
			settled = false
			again := resolveRef(ctx, reg, rv.r, opts, to)
			if again.err != nil || !again.res.Bump() {
				return g, 0
			}
			g[i] = again
		}
		if settled {
			return g, to
		}
	}
}

// applyEdits applies the edits file by file; a file whose edit is refused
// contributes an error and no change.
func (p *Plan) applyEdits(edits []plannedEdit, read func(string) ([]byte, error)) {
	byFile := map[string][]plannedEdit{}
	for _, e := range edits {
		byFile[e.lit.file] = append(byFile[e.lit.file], e)
	}
	for file, es := range byFile {
		src, err := read(file)
		if err != nil {
			p.Errors = append(p.Errors, problem.New(problem.Read, file, 0, 0, err))
			continue
		}
		fe := FileEdit{Path: file, Before: src}
		var raw []rewrite.Edit
		for _, e := range es {
			raw = append(raw, e.edit)
			fe.edits = append(fe.edits, layerEdit{e.edit, layerID(e.refs[0].r)})
		}
		if fe.After, err = rewrite.Apply(file, src, raw); err != nil {
			p.Errors = append(p.Errors, problem.New(problem.Edit, file, 0, 0, err))
			continue
		}
		p.Files = append(p.Files, fe)
		for _, e := range es {
			for _, rv := range e.refs {
				p.Changes = append(p.Changes, changeOf(rv.r, e.edit.To))
			}
		}
	}
}

// versionAfter is the version a reference is at once the plan's edits
// are applied; 0 when it is not a number.
func (p *Plan) versionAfter(r ref.Reference) int {
	at := r.VersionAt
	if r.Version == nil {
		at = r.VersionTextAt
	}
	if at != nil {
		for _, f := range p.Files {
			if f.Path != at.File {
				continue
			}
			for _, e := range f.edits {
				if e.edit.Offset == at.Offset {
					return e.edit.To
				}
			}
		}
	}
	return Pinned(r)
}

func layerID(r ref.Reference) string { return r.Account + ":" + r.Layer }

func changeOf(r ref.Reference, to int) Change {
	render := func(v int) string {
		return fmt.Sprintf("arn:%s:lambda:%s:%s:layer:%s:%d", r.Partition, r.Region, r.Account, r.Layer, v)
	}
	c := Change{
		File: r.File, Line: r.Line, Column: r.Column, VersionAt: r.VersionAt,
		Partition: r.Partition, Region: r.Region, Account: r.Account, Layer: r.Layer,
		To: to, ARNFrom: r.ARN, ARNTo: render(to),
		LayerID: layerID(r), Function: functionOf(r),
	}
	if r.Version != nil {
		c.From, c.ARNFrom = *r.Version, render(*r.Version)
	} else {
		c.FromText, c.VersionAt = r.VersionText, r.VersionTextAt
	}
	return c
}

// addChangelogs writes one entry per distinct (layer, from, to) that was
// actually edited.
func (p *Plan) addChangelogs(ctx context.Context, reg layers.Registry, opts Options, all []resolved, edits []plannedEdit) {
	cl := opts.Changelog
	if cl == nil {
		cl = MetadataChangelog{Registry: reg}
	}
	applied := map[literal]bool{}
	for _, f := range p.Files {
		for _, e := range f.edits {
			applied[literal{f.Path, e.edit.Offset}] = true
		}
	}
	seen := map[string]bool{}
	for _, e := range edits {
		if !applied[e.lit] {
			continue
		}
		for _, rv := range e.refs {
			if rv.concrete.Version == 0 {
				continue // a word moved to a number: no version to compare
			}
			from, to := rv.concrete, rv.concrete.WithVersion(e.edit.To)
			key := from.String() + ">" + to.String()
			if seen[key] {
				continue
			}
			seen[key] = true
			entry, err := cl.Changelog(ctx, from, to)
			if err != nil {
				p.Errors = append(p.Errors, problem.New(problem.Changelog, rv.r.File, rv.r.Line, rv.r.Column, err))
				continue
			}
			p.Changelogs = append(p.Changelogs, entry)
			p.changelogLayers = append(p.changelogLayers, layerID(rv.r))
		}
	}
}

func sortPlan(p *Plan) {
	sort.SliceStable(p.Changes, func(i, j int) bool {
		a, b := p.Changes[i], p.Changes[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	problem.Sort(p.Errors)
	problem.Sort(p.Notes)
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Path < p.Files[j].Path })
}

func joinInts(vs []int) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = strconv.Itoa(v)
	}
	return strings.Join(s, ", ")
}
