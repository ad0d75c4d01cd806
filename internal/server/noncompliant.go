package server

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/problem"
)

// stuckIssue is the repository's issue about pins the policy rejects and
// no pull request can fix.
var stuckIssue = keptIssue{kind: "policy-stuck", title: "bumpbot: no compliant layer version",
	intro: "These pins violate the organization's security policy, and no version the policy allows suits them, so bumpbot cannot open a pull request:",
	until: "Move the function to a runtime or architecture a compliant version supports, pin another layer, or ask the security team about the rule. " +
		"This issue is updated on every change and closes itself once no pin is left in this state.",
	closing: "Every pin the security policy rejects can now be moved (a pull request does it) or is gone. Closing."}

// stuckPins returns, as problems at their pins, the pins of a planned
// reconcile that the policy rejects and that no change moves: why is
// what the plan noted at the pin (newer versions skipped as incompatible
// with the function, versions the policy steps over), or that no newer
// version exists. A pin the plan failed on (an error at it) is not here:
// that failure is reported on its own.
func stuckPins(pol *policy.Policy, rep bump.Report, now time.Time) []problem.Problem {
	if pol == nil {
		return nil
	}
	type pos struct {
		file string
		line int
	}
	moved, failed, why := map[pos]bool{}, map[pos]bool{}, map[pos][]string{}
	for _, c := range rep.Changes {
		moved[pos{c.File, c.Line}] = true
	}
	for _, e := range rep.Errors {
		failed[pos{e.File, e.Line}] = true
	}
	for _, n := range rep.Notes {
		if n.Kind == problem.Incompatible || n.Kind == problem.Ignored {
			why[pos{n.File, n.Line}] = append(why[pos{n.File, n.Line}], n.Message)
		}
	}
	var out []problem.Problem
	for _, r := range rep.Pins {
		at := pos{r.File, r.Line}
		if r.Version == nil || moved[at] || failed[at] {
			continue
		}
		vs := pol.Check(config.Layer{Partition: r.Partition, Region: r.Region, Account: r.Account, Name: r.Layer}, *r.Version, now)
		if len(vs) == 0 {
			continue
		}
		reasons := why[at]
		if len(reasons) == 0 {
			reasons = []string{"no newer version of " + r.Layer + " exists"}
		}
		out = append(out, problem.Newf(problem.Config, r.File, r.Line, r.Column, "`%s:%d`: %s. No pull request: %s.",
			r.Layer, *r.Version, vs[0].String(), strings.Join(reasons, "; ")))
	}
	return out
}

// keepStuckIssue keeps the repository's stuck-pins issue after a planned
// reconcile.
func (g *ghRunner) keepStuckIssue(ctx context.Context, f issueKeeper, src repoConfigSource, rep bump.Report) error {
	pol, err := src.Policy(ctx)
	if err != nil {
		return fmt.Errorf("stuck pins: %w", err)
	}
	return g.keepIssue(ctx, f, src.installation, src.repo, stuckIssue, stuckPins(pol, rep, time.Now()))
}
