package bump

import (
	"context"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// nonNumeric handles a pin whose version is a word (latest, $LATEST):
// AWS accepts only version numbers, so it says so with the newest version
// the function can use, and plans the edit writing that number where the
// word is, when the word is one run of the file's bytes.
func (p *Plan) nonNumeric(ctx context.Context, reg layers.Registry, r ref.Reference, opts Options) (plannedEdit, bool) {
	// Resolve from version 1 to the newest: whatever the word meant, the
	// newest version that suits the function is what it would pin.
	one := 1
	q := r
	q.Version = &one
	rv := resolveOnce(ctx, reg, q, Options{Strategy: layers.Latest, Regions: opts.Regions}, 0)
	to := rv.res.To
	if rv.err != nil || to == 0 || (to == 1 && len(rv.res.Missing) > 0) {
		why := "no version of the layer was found"
		if rv.err != nil {
			why = rv.err.Error()
		}
		p.Notes = append(p.Notes, note(problem.NotNumeric, r.Pos, "%s: version %q is not a number, and AWS accepts only version numbers in a layer ARN: its deployments fail; the newest version could not be found: %s", r.ARN, r.VersionText, why))
		return plannedEdit{}, false
	}
	e, ok := rewrite.EditForText(r, to)
	how := "pin it"
	if !ok {
		how = "edit the pin by hand: the version is not one word in the file"
	}
	p.Notes = append(p.Notes, note(problem.NotNumeric, r.Pos, "%s: version %q is not a number, and AWS accepts only version numbers in a layer ARN: its deployments fail; the newest version is %d, %s",
		r.ARN, r.VersionText, to, how))
	if !ok {
		return plannedEdit{}, false
	}
	rv.r = r
	rv.concrete.Version = 0 // no version to read a changelog from
	return plannedEdit{lit: literal{r.VersionTextAt.File, r.VersionTextAt.Offset}, edit: e, refs: []resolved{rv}}, true
}

// NameProblem is the note on a reference whose layer name the files build
// from a value they do not give (a variable without a default, an input):
// the layer cannot be looked up, so the pin is reported as written and
// left alone.
func NameProblem(r ref.Reference) (problem.Problem, bool) {
	if !layerarn.IsPlaceholder(r.Layer) {
		return problem.Problem{}, false
	}
	return note(problem.Placeholder, r.Pos, "%s: the layer name %s is built from a value the files do not give (a variable without a default, an input): the layer cannot be looked up and the pin is left alone; give the value a default to have it checked", r.ARN, r.Layer), true
}
