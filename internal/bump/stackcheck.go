package bump

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/bumpbot/bumpbot/internal/layerzip"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// MaxUnzipped is what AWS lets a function and its layers unzip to, in
// all: 250 MB (262,144,000 bytes).
const MaxUnzipped = 250 << 20

// nearUnzipped is where a stack is close enough to MaxUnzipped to say so:
// within 10% of it.
const nearUnzipped = MaxUnzipped * 9 / 10

// maxUnitsNamed caps the packages or paths one shadowing note names.
const maxUnitsNamed = 8

// Shadow is a package or path that more than one layer of a function
// provides: Lambda extracts the layers into /opt in order, so the files
// of Layer (the later one) replace those of Over.
type Shadow struct {
	Path  string `json:"path"`
	Files int    `json:"files"`
	Layer string `json:"layer"`
	Over  string `json:"over"`
	// Version and OverVersion are the package's version in each layer,
	// when the layers' metadata say it.
	Version     string `json:"version,omitempty"`
	OverVersion string `json:"over_version,omitempty"`
}

// StackCheck evaluates the stacks from their layers' contents: for
// each, version gives the version a reference is at (after the bump, or
// as pinned), pinned the version it is pinned at today. It fills each
// stack's UnzippedSize and Shadowed, and returns the errors (a stack over
// MaxUnzipped) and notes (near it, files shadowed, a bump changing which
// layer's files a function sees).
func StackCheck(ctx context.Context, cr ContentReader, regions []string, stacks []Stack, version func(ref.Reference) int) (errs, notes []problem.Problem) {
	cache := newContentCache(cr, regions)
	cache.prefetch(ctx, stacks, version)
	for i := range stacks {
		e, n := checkStack(ctx, cache, &stacks[i], version)
		errs, notes = append(errs, e...), append(notes, n...)
	}
	return errs, notes
}

// stackSide is a stack's layers at one set of versions.
type stackSide struct {
	arns  []string
	invs  []*layerzip.Inventory // nil where unknown
	first error                 // the first layer that could not be read
	size  int64
	known int
}

func readSide(ctx context.Context, cache *contentCache, refs []ref.Reference, version func(ref.Reference) int) stackSide {
	var s stackSide
	for _, r := range refs {
		v := version(r)
		c := cache.read(ctx, r, v)
		a, _ := concreteARN(r, v, cache.regions)
		name := r.ARN
		if v > 0 && a.Version > 0 {
			name = r.Layer + ":" + fmt.Sprint(v)
		}
		s.arns = append(s.arns, name)
		s.invs = append(s.invs, c.inv)
		if c.err != nil {
			if s.first == nil {
				s.first = fmt.Errorf("%s: %w", name, c.err)
			}
			continue
		}
		s.known++
		// A hostile zip declares sizes up to the largest int64: add
		// without wrapping round.
		if s.size += max(c.inv.UnzippedSize, 0); s.size < 0 {
			s.size = math.MaxInt64
		}
	}
	return s
}

// Pinned is the version a reference is pinned at, 0 when it is not a
// number: StackCheck's version for stacks as the files have them.
func Pinned(r ref.Reference) int {
	if r.Version == nil {
		return 0
	}
	return *r.Version
}

func checkStack(ctx context.Context, cache *contentCache, s *Stack, version func(ref.Reference) int) (errs, notes []problem.Problem) {
	after := readSide(ctx, cache, s.refs, version)
	var moved []int
	for i, r := range s.refs {
		if version(r) != Pinned(r) {
			moved = append(moved, i)
		}
	}
	at := s.at
	if len(moved) > 0 {
		at = s.refs[moved[0]].Pos
	}
	if after.known == len(s.refs) {
		size := after.size
		s.UnzippedSize = &size
	}
	var before stackSide
	if len(moved) > 0 {
		before = readSide(ctx, cache, s.refs, Pinned)
	}
	if p, isErr, ok := sizeProblem(s, at, after, before, len(moved) > 0); ok {
		if isErr {
			errs = append(errs, p)
		} else {
			notes = append(notes, p)
		}
	}
	s.Shadowed = shadows(after)
	notes = append(notes, shadowNotes(s, after, moved)...)
	if len(moved) > 0 {
		notes = append(notes, winnerChanges(s, before, after, moved)...)
	}
	return errs, notes
}

// sizeProblem says a stack unzips to more than AWS accepts (an error) or
// to within 10% of it (a note). Layers that could not be read count for
// nothing, so then only "over" can be said, as "at least".
func sizeProblem(s *Stack, at ref.Pos, after, before stackSide, moved bool) (problem.Problem, bool, bool) {
	if after.size < nearUnzipped {
		return problem.Problem{}, false, false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: its %d layers unzip to ", s.Function, len(s.refs))
	if after.known < len(s.refs) {
		b.WriteString("at least ")
	}
	b.WriteString(megabytes(after.size))
	if moved {
		b.WriteString(" after this bump")
		if before.known == len(s.refs) {
			fmt.Fprintf(&b, " (%s before)", megabytes(before.size))
		}
	}
	over := after.size > MaxUnzipped
	if over {
		fmt.Fprintf(&b, ", over the %s AWS allows for a function and its layers together: its deployments fail", megabytes(MaxUnzipped))
	} else {
		if after.known < len(s.refs) {
			return problem.Problem{}, false, false
		}
		fmt.Fprintf(&b, ", within 10%% of the %s AWS allows for a function and its layers together", megabytes(MaxUnzipped))
	}
	b.WriteString("; only the layers are counted here, the function's own code adds to it")
	if after.first != nil {
		fmt.Fprintf(&b, " (not counted, could not be read: %v)", after.first)
	}
	return note(problem.StackSize, at, "%s", b.String()), over, true
}

// megabytes renders n as AWS states its limits (MB of 2^20 bytes) with
// the exact count beside it.
func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB (%s bytes)", float64(n)/(1<<20), commas(n))
}

func commas(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// owners maps every file of a side to the index of the layer whose copy
// the function sees (the last one holding it) and counts the layers
// holding it.
func owners(side stackSide) (winner map[string]int, holders map[string]int) {
	winner, holders = map[string]int{}, map[string]int{}
	for i, inv := range side.invs {
		if inv == nil {
			continue
		}
		for _, f := range inv.Files {
			winner[f] = i
			holders[f]++
		}
	}
	return winner, holders
}

// shadows lists, per pair of layers, the packages and paths the later
// one hides of the earlier one.
func shadows(side stackSide) []Shadow {
	var out []Shadow
	index := map[[3]string]int{}
	seen := map[string]int{} // file -> the last layer so far holding it
	versions := make([]map[string]string, len(side.invs))
	for i, inv := range side.invs {
		if inv == nil {
			continue
		}
		versions[i] = unitVersions(inv)
		for _, f := range inv.Files {
			if j, ok := seen[f]; ok {
				k := [3]string{side.arns[i], side.arns[j], layerzip.Unit(f)}
				n, ok := index[k]
				if !ok {
					n = len(out)
					index[k] = n
					out = append(out, Shadow{Path: k[2], Layer: k[0], Over: k[1], Version: versions[i][k[2]], OverVersion: versions[j][k[2]]})
				}
				out[n].Files++
			}
			seen[f] = i
		}
	}
	return out
}

// unitVersions maps the packages of a layer whose version its metadata
// say to the unit their files fall under (a dist-info folds into its
// package's directory, a package.json names its directory).
func unitVersions(inv *layerzip.Inventory) map[string]string {
	out := map[string]string{}
	for _, p := range inv.Packages {
		if p.Version != "" {
			out[layerzip.Unit(p.Path)] = p.Version
		}
	}
	return out
}

// shadowNotes says, once per pair of layers, which packages and paths
// the later one hides, located at a moved reference of the pair when
// there is one (the bump's pull request then says it), else at the
// later layer.
func shadowNotes(s *Stack, side stackSide, moved []int) []problem.Problem {
	type pair struct{ layer, over string }
	byPair := map[pair][]Shadow{}
	var order []pair
	for _, sh := range s.Shadowed {
		k := pair{sh.Layer, sh.Over}
		if _, ok := byPair[k]; !ok {
			order = append(order, k)
		}
		byPair[k] = append(byPair[k], sh)
	}
	var out []problem.Problem
	for _, k := range order {
		wi, oi := slices.Index(side.arns, k.layer), slices.Index(side.arns, k.over)
		at := s.refs[wi].Pos
		if !slices.Contains(moved, wi) && slices.Contains(moved, oi) {
			at = s.refs[oi].Pos
		}
		out = append(out, note(problem.Shadowed, at, "%s: layer %s hides files of layer %s, which comes before it: %s; the function sees %s's",
			s.Function, k.layer, k.over, unitList(byPair[k]), k.layer))
	}
	return out
}

// unitList names shadowed packages with their file counts, the biggest
// first, up to maxUnitsNamed.
func unitList(sh []Shadow) string {
	sh = slices.Clone(sh)
	slices.SortStableFunc(sh, func(a, b Shadow) int { return b.Files - a.Files })
	var parts []string
	for i, x := range sh {
		if i == maxUnitsNamed {
			parts = append(parts, fmt.Sprintf("and %d more", len(sh)-i))
			break
		}
		what := plural(x.Files, "file")
		if x.Version != "" && x.OverVersion != "" {
			what += fmt.Sprintf(", %s over %s", x.Version, x.OverVersion)
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", x.Path, what))
	}
	return strings.Join(parts, ", ")
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// winnerChanges says which packages and paths a bump makes the function
// take from another layer than before: a bumped layer that stops holding
// a file another layer holds, or starts holding one.
func winnerChanges(s *Stack, before, after stackSide, moved []int) []problem.Problem {
	wb, hb := owners(before)
	wa, ha := owners(after)
	type change struct{ from, to int }
	counts := map[change]map[string]int{}
	var order []change
	for f, a := range wa {
		b, ok := wb[f]
		if !ok || a == b || (hb[f] < 2 && ha[f] < 2) {
			continue
		}
		c := change{b, a}
		if counts[c] == nil {
			counts[c] = map[string]int{}
			order = append(order, c)
		}
		counts[c][layerzip.Unit(f)]++
	}
	slices.SortFunc(order, func(x, y change) int {
		if x.from != y.from {
			return x.from - y.from
		}
		return x.to - y.to
	})
	var out []problem.Problem
	for _, c := range order {
		var units []Shadow
		for u, n := range counts[c] {
			units = append(units, Shadow{Path: u, Files: n})
		}
		slices.SortFunc(units, func(x, y Shadow) int { return strings.Compare(x.Path, y.Path) })
		at := s.refs[moved[0]].Pos
		out = append(out, note(problem.Shadowed, at, "%s: this bump changes which layer's files the function sees for %s: layer %s's before, layer %s's after",
			s.Function, unitList(units), before.arns[c.from], after.arns[c.to]))
	}
	return out
}
