package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/jobs"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/problem"
)

// policyIssue is the .github repository's policy-error issue.
var policyIssue = keptIssue{kind: "policy-error", title: "bumpbot: security policy error",
	intro:   "bumpbot cannot follow `" + policy.Path + "`:",
	until:   "Until the file is fixed, bumpbot applies no security policy in this organization: no security pull requests, and no `bumpbot/policy` check on pull requests (where a ruleset requires the check, pull requests wait for it). This issue is updated on every change and closes itself once the file is fixed.",
	closing: "`" + policy.Path + "` parses again: bumpbot applies it from now on, and is checking every repository against it. Closing."}

// fleetRecorder is the part of the job queue a policy change's fan-out needs.
type fleetRecorder interface {
	Record(ctx context.Context, delivery, event string, reqs []jobs.ReconcileArgs) (jobs.Recorded, error)
}

// orgPolicy runs in the reconcile of an org's .github repository, the
// home of its security policy: it reads bumpbot-policy.yml afresh (one
// conditional request), keeps the policy-error issue there (opened while
// the file does not parse, closed once it does), refreshes the policy
// the org's reconciles use, and, when the policy is new to the queue,
// asks for a reconcile of every repository of the installation that the
// layer index holds pins of, so each is evaluated against it. The
// fan-out is recorded like a delivery named by the policy's content: the
// same policy never fans out twice (whichever replica sees it), an edit
// does once.
func (g *ghRunner) orgPolicy(ctx context.Context, f issueKeeper, src repoConfigSource, log *slog.Logger) error {
	owner, name, _ := strings.Cut(src.repo, "/")
	if !strings.EqualFold(name, ".github") || src.gh == nil {
		return nil
	}
	body, found, at, err := src.refreshOrgFile(ctx, owner, policy.Path)
	if err != nil {
		return err
	}
	var pol *policy.Policy
	var probs []problem.Problem
	if found {
		p, err := policy.Parse(policy.Path, body)
		pe, bad := errors.AsType[config.ParseErrors](err)
		switch {
		case bad:
			for _, e := range pe {
				probs = append(probs, problem.Problem{File: policy.Path, Line: e.Line, Column: e.Column, Kind: problem.Config, Message: e.Message, Err: e})
			}
		case err != nil:
			return err
		default:
			pol = &p
		}
	}
	src.remember(owner, policy.Path, pol, at)
	if err := g.keepIssue(ctx, f, src.installation, src.repo, policyIssue, probs); err != nil {
		return err
	}
	if len(probs) > 0 || g.fleet == nil {
		// A broken policy changes nothing until it is fixed.
		return nil
	}
	sum := sha256.Sum256(body)
	delivery := fmt.Sprintf("policy:%d:%s:%s", src.installation, strings.ToLower(owner), hex.EncodeToString(sum[:12]))
	repos, err := g.problems.state.IndexedRepos(ctx, src.installation)
	if err != nil {
		return err
	}
	reqs := make([]jobs.ReconcileArgs, 0, len(repos))
	for _, r := range repos {
		if ro, _, _ := strings.Cut(r, "/"); strings.EqualFold(ro, owner) && !strings.EqualFold(r, src.repo) {
			reqs = append(reqs, jobs.ReconcileArgs{InstallationID: src.installation, Repo: r, Priority: jobs.PriorityPolicy})
		}
	}
	if len(reqs) == 0 {
		return nil
	}
	rec, err := g.fleet.Record(ctx, delivery, "policy_change", reqs)
	if err != nil {
		return fmt.Errorf("re-evaluate the fleet after a policy change: %w", err)
	}
	if !rec.Duplicate {
		log.Info("security policy changed: re-evaluating the fleet", "repositories", len(reqs), "queued", rec.Inserted, "found", found)
	}
	return nil
}
