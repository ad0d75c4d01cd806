package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"path"
	"sync"
	"time"

	"github.com/google/go-github/v60/github"

	"github.com/bumpbot/bumpbot/internal/ghapp"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/policycheck"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/rewrite"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// checkName is the name of the required check the App keeps on every
// open pull request's head while the org has a security policy.
const checkName = "bumpbot/policy"

// checkVersion changes when what the check says of the same policy and
// commit changes, so every head is checked again after an upgrade.
const checkVersion = "1"

// pullChecker is what checking pull requests needs of a repository.
type pullChecker interface {
	PullHeads(ctx context.Context) ([]ghapp.PullHead, error)
	PullFiles(ctx context.Context, number int) ([]ghapp.PullFile, error)
	TreeAt(ctx context.Context, sha string) ([]reconcile.Entry, bool, error)
	ReadFile(ctx context.Context, e reconcile.Entry) ([]byte, error)
	FindCheckRun(ctx context.Context, sha, name string) (string, bool, error)
	CreateCheckRun(ctx context.Context, run ghapp.CheckRun) error
}

// checked remembers, per repository and head commit, the verdict key of
// the check run last written, so a reconcile of a repository whose pull
// requests did not move costs one listing and no check-run request.
type checked struct {
	mu sync.Mutex
	m  map[string]string
}

// maxChecked bounds the memory: past it the map starts again (a forgotten
// head costs one listing of its check runs).
const maxChecked = 100_000

func (c *checked) has(key, verdict string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key] == verdict
}

func (c *checked) put(key, verdict string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxChecked {
		c.m = map[string]string{}
	}
	c.m[key] = verdict
}

// checkPulls gives every open pull request's head a bumpbot/policy check
// run saying whether it adds or keeps a pin the policy rejects. A head
// already checked against the same policy (its run's external id is the
// verdict key) is left alone; a policy edit, or a deadline passing under
// everything-after-deadline, checks every head again. Without a policy,
// or with enforcement off, no check is run.
func checkPulls(ctx context.Context, r pullChecker, done *checked, repo string, pol *policy.Policy, now time.Time, log *slog.Logger) error {
	if pol == nil || policycheck.Mode(*pol) == policycheck.Off {
		return nil
	}
	verdict, err := verdictKey(*pol, now)
	if err != nil {
		return err
	}
	pulls, err := r.PullHeads(ctx)
	if err != nil {
		return err
	}
	for _, p := range pulls {
		key := repo + "@" + p.HeadSHA
		if done.has(key, verdict) {
			continue
		}
		ext, found, err := r.FindCheckRun(ctx, p.HeadSHA, checkName)
		if err != nil {
			return err
		}
		if !found || ext != verdict {
			run, err := policyRun(ctx, r, *pol, p, now)
			if err != nil {
				return err
			}
			run.ExternalID = verdict
			if err := r.CreateCheckRun(ctx, run); err != nil {
				return err
			}
			log.Info("policy check", "pull_request", p.Number, "head", p.HeadSHA, "conclusion", run.Conclusion, "annotations", len(run.Annotations))
		}
		done.put(key, verdict)
	}
	return nil
}

// verdictKey names what a check's verdict depends on besides the commit:
// the policy and, as time passes, which rules' deadlines have passed.
func verdictKey(pol policy.Policy, now time.Time) (string, error) {
	b, err := json.Marshal(pol)
	if err != nil {
		return "", fmt.Errorf("policy check: %w", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n", checkVersion, b)
	for i, r := range pol.Rules {
		if !r.Deadline.IsZero() && !now.Before(r.Deadline.AddDate(0, 0, 1)) {
			fmt.Fprintf(h, "due %d\n", i)
		}
	}
	return "policy-" + hex.EncodeToString(h.Sum(nil)[:12]), nil
}

// policyRun checks one pull request: the lines it adds or edits (from
// GitHub's patches) and the pins in the files at its head that the
// enforcement looks at (the changed files' directories, whose HCL files
// are one module, or every file under everything-after-deadline).
func policyRun(ctx context.Context, r pullChecker, pol policy.Policy, p ghapp.PullHead, now time.Time) (ghapp.CheckRun, error) {
	files, err := r.PullFiles(ctx, p.Number)
	if err != nil {
		return ghapp.CheckRun{}, err
	}
	changed := policycheck.Changed{}
	dirs := map[string]bool{}
	for _, f := range files {
		if f.Status == "removed" || !rewrite.IsCandidate(f.Path, false) {
			continue
		}
		dirs[path.Dir(f.Path)] = true
		if f.HasPatch {
			changed.Add(f.Path, policycheck.PatchLines(f.Patch)...)
		} else {
			changed.Add(f.Path, policycheck.WholeFile)
		}
	}
	everything := policycheck.Mode(pol) == policycheck.EverythingAfterDeadline
	var src []ref.File
	if len(dirs) > 0 || everything {
		entries, _, err := r.TreeAt(ctx, p.HeadSHA)
		if err != nil {
			return ghapp.CheckRun{}, err
		}
		for _, e := range entries {
			if !rewrite.IsCandidate(e.Path, false) || e.Size > rewrite.DefaultMaxFileSize || !everything && !dirs[path.Dir(e.Path)] {
				continue
			}
			b, err := r.ReadFile(ctx, e)
			if err != nil {
				return ghapp.CheckRun{}, err
			}
			src = append(src, ref.File{Path: e.Path, Src: b})
		}
	}
	refs, _ := rewrite.ScanFiles(src)
	findings, pins := policycheck.Evaluate(pol, refs, changed, now)
	o := policycheck.Conclude(pol, findings, pins)
	run := ghapp.CheckRun{Name: checkName, HeadSHA: p.HeadSHA, Conclusion: o.Conclusion, Title: o.Title, Summary: o.Summary}
	for _, a := range o.Annotations {
		run.Annotations = append(run.Annotations, &github.CheckRunAnnotation{
			Path: github.String(a.Path), StartLine: github.Int(a.Line), EndLine: github.Int(a.Line),
			AnnotationLevel: github.String(a.Level), Title: github.String(a.Title), Message: github.String(a.Text),
		})
	}
	return run, nil
}

// checkPolicy runs the policy check of the repository's open pull
// requests after its reconcile. A failure is logged, not retried: the
// next reconcile (a push, a pull request event, the poll) checks again.
func (g *ghRunner) checkPolicy(ctx context.Context, r pullChecker, src repoConfigSource, log *slog.Logger) {
	pol, err := src.Policy(ctx)
	if err == nil {
		err = checkPulls(ctx, r, &g.checks, fmt.Sprintf("%d/%s", src.installation, src.repo), pol, time.Now(), log)
	}
	if err != nil {
		log.Warn("cannot check the pull requests against the security policy", "error", err)
	}
}
