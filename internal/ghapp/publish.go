package ghapp

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/go-github/v60/github"

	"github.com/bumpbot/bumpbot/internal/reconcile"
)

// Publish writes the change as one commit on c.Branch (Git Data API: one
// tree with base_tree and inline contents, one commit, create or
// force-update the ref) and opens or updates its pull request. Any branch
// outside reconcile.BranchPrefix is refused before the first request.
func (r *Repo) Publish(ctx context.Context, c reconcile.Change, existing *reconcile.OpenChange) (reconcile.Published, error) {
	if err := reconcile.CheckBranch(c.Branch, c.Base.Branch); err != nil {
		return reconcile.Published{}, err
	}
	if err := r.owned(ctx); err != nil {
		return reconcile.Published{}, err
	}
	// An open pull request names the branch: make sure it is still the
	// bot's alone before writing anything.
	if existing != nil && !c.Takeover {
		if err := r.checkOwnTip(ctx, "refs/heads/"+c.Branch); err != nil {
			return reconcile.Published{}, err
		}
	}
	gh := r.c.gh
	entries := make([]*github.TreeEntry, 0, len(c.Files))
	for _, f := range c.Files {
		e := &github.TreeEntry{Path: github.String(f.Path), Mode: github.String(fileMode(f.Mode)), Type: github.String("blob")}
		if utf8.Valid(f.Content) {
			e.Content = github.String(string(f.Content))
		} else {
			// Inline content is a JSON string: bytes that are not UTF-8
			// would be mangled, so they go up as a base64 blob.
			blob, _, err := gh.Git.CreateBlob(ctx, r.owner, r.name, &github.Blob{
				Content: github.String(base64.StdEncoding.EncodeToString(f.Content)), Encoding: github.String("base64"),
			})
			if err != nil {
				return reconcile.Published{}, fmt.Errorf("create blob for %s in %s: %w", f.Path, r.FullName(), err)
			}
			e.SHA = blob.SHA
		}
		entries = append(entries, e)
	}
	tree, _, err := gh.Git.CreateTree(ctx, r.owner, r.name, c.Base.Tree, entries)
	if err != nil {
		return reconcile.Published{}, fmt.Errorf("create tree in %s: %w", r.FullName(), err)
	}
	commit, _, err := gh.Git.CreateCommit(ctx, r.owner, r.name, &github.Commit{
		Message: github.String(c.Message + commitTrailer), Tree: &github.Tree{SHA: tree.SHA},
		Parents: []*github.Commit{{SHA: github.String(c.Base.Commit)}},
	}, nil)
	if err != nil {
		return reconcile.Published{}, fmt.Errorf("create commit in %s: %w", r.FullName(), err)
	}
	if err := r.setBranch(ctx, c.Branch, c.Base.Branch, commit.GetSHA(), existing != nil); err != nil {
		return reconcile.Published{}, err
	}
	var pub reconcile.Published
	if existing != nil {
		pub, err = r.updatePull(ctx, c, existing.Number)
	} else {
		pub, err = r.openPull(ctx, c)
	}
	pub.Head = commit.GetSHA()
	return pub, err
}

// Owned returns nil when branch's tip is the bot's commit (or the branch
// is gone), an error wrapping reconcile.ErrRefusedBranch when someone
// else committed it.
func (r *Repo) Owned(ctx context.Context, branch string) error {
	if err := r.owned(ctx); err != nil {
		return err
	}
	return r.checkOwnTip(ctx, "refs/heads/"+branch)
}

func fileMode(m string) string {
	if m == "" {
		return "100644"
	}
	return m
}

// commitTrailer ends the message of every commit the bot makes. A branch
// whose tip lacks it holds someone else's work (a person created the
// branch, or pushed to the bot's pull request): the bot never moves it.
const commitTrailer = "\n\nCreated-by: bumpbot"

// setBranch points branch at sha. It is the only code that moves a ref,
// and it checks the prefix again so no caller can get around it. When the
// branch is known to exist with a tip of the bot's (checked: an open PR
// uses it and Publish just looked) it updates first; otherwise it creates
// first, and only moves an existing branch whose tip is a commit of the
// bot's. Either way the other is the fallback, so a branch left by a job
// that died before opening its PR is reused.
func (r *Repo) setBranch(ctx context.Context, branch, base, sha string, checked bool) error {
	if err := reconcile.CheckBranch(branch, base); err != nil {
		return err
	}
	ref := "refs/heads/" + branch
	update := func() error {
		if !checked {
			if err := r.checkOwnTip(ctx, ref); err != nil {
				return err
			}
		}
		_, _, err := r.c.gh.Git.UpdateRef(ctx, r.owner, r.name, &github.Reference{Ref: github.String(ref), Object: &github.GitObject{SHA: github.String(sha)}}, true)
		return err
	}
	create := func() error {
		_, _, err := r.c.gh.Git.CreateRef(ctx, r.owner, r.name, &github.Reference{Ref: github.String(ref), Object: &github.GitObject{SHA: github.String(sha)}})
		return err
	}
	first, second := create, update
	if checked {
		first, second = update, create
	}
	err := first()
	if isUnprocessable(err) {
		err = second()
	}
	if err != nil {
		return fmt.Errorf("set %s of %s to %s: %w", ref, r.FullName(), sha, err)
	}
	return nil
}

// checkOwnTip refuses, with an error wrapping reconcile.ErrRefusedBranch,
// to move an existing ref whose tip commit the bot did not make. A ref
// that does not exist (a 404, or a 422 from the update) is left to the
// create fallback.
func (r *Repo) checkOwnTip(ctx context.Context, ref string) error {
	_, err := r.ownTip(ctx, ref)
	return err
}

// ownTip is checkOwnTip that also says whether the ref exists.
func (r *Repo) ownTip(ctx context.Context, ref string) (exists bool, err error) {
	cur, _, err := r.c.gh.Git.GetRef(ctx, r.owner, r.name, ref)
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s of %s: %w", ref, r.FullName(), err)
	}
	tip, _, err := r.c.gh.Git.GetCommit(ctx, r.owner, r.name, cur.GetObject().GetSHA())
	if err != nil {
		return true, fmt.Errorf("read the tip of %s of %s: %w", ref, r.FullName(), err)
	}
	bot, err := r.c.bot(ctx)
	if err != nil {
		return true, err
	}
	// The trailer must be the message's last line, as the bot writes it,
	// and the committer the app's bot account: a person who amends the
	// bot's commit keeps the trailer but becomes its committer.
	if !strings.HasSuffix(strings.TrimRight(tip.GetMessage(), "\n"), commitTrailer) || tip.GetCommitter().GetName() != bot {
		return true, fmt.Errorf("%s of %s holds commits bumpbot did not make: %w", ref, r.FullName(), reconcile.ErrRefusedBranch)
	}
	return true, nil
}

func (r *Repo) openPull(ctx context.Context, c reconcile.Change) (reconcile.Published, error) {
	pr, _, err := r.c.gh.PullRequests.Create(ctx, r.owner, r.name, &github.NewPullRequest{
		Title: github.String(c.Title), Head: github.String(c.Branch), Base: github.String(c.Base.Branch),
		Body: github.String(c.Body), MaintainerCanModify: github.Bool(true),
	})
	if isUnprocessable(err) {
		// A PR for this branch appeared since OpenChanges (another
		// replica, or a listing served before it existed): update it.
		if n, ok := r.findPull(ctx, c.Branch); ok {
			return r.updatePull(ctx, c, n)
		}
	}
	if err != nil {
		return reconcile.Published{}, fmt.Errorf("open pull request %s in %s: %w", c.Branch, r.FullName(), err)
	}
	if err := r.label(ctx, pr.GetNumber(), c.Labels); err != nil {
		return reconcile.Published{}, err
	}
	if err := r.askReview(ctx, pr.GetNumber(), c); err != nil {
		return reconcile.Published{}, err
	}
	refused, err := r.keepAutoMerge(ctx, pr, c.AutoMerge)
	if err != nil {
		return reconcile.Published{}, err
	}
	r.c.metrics.pr("opened")
	return reconcile.Published{Number: pr.GetNumber(), URL: pr.GetHTMLURL(), Opened: true, AutoMergeRefused: refused}, nil
}

func (r *Repo) findPull(ctx context.Context, branch string) (int, bool) {
	pulls, _, err := r.c.gh.PullRequests.List(ctx, r.owner, r.name, &github.PullRequestListOptions{State: "open", Head: r.owner + ":" + branch})
	if err != nil || len(pulls) == 0 {
		return 0, false
	}
	return pulls[0].GetNumber(), true
}

func (r *Repo) updatePull(ctx context.Context, c reconcile.Change, number int) (reconcile.Published, error) {
	pr, _, err := r.c.gh.PullRequests.Edit(ctx, r.owner, r.name, number, &github.PullRequest{
		Title: github.String(c.Title), Body: github.String(c.Body),
	})
	if err != nil {
		return reconcile.Published{}, fmt.Errorf("update pull request #%d in %s: %w", number, r.FullName(), err)
	}
	if err := r.keepSecurity(ctx, pr, c); err != nil {
		return reconcile.Published{}, err
	}
	refused, err := r.keepAutoMerge(ctx, pr, c.AutoMerge)
	if err != nil {
		return reconcile.Published{}, err
	}
	r.c.metrics.pr("updated")
	return reconcile.Published{Number: number, URL: pr.GetHTMLURL(), AutoMergeRefused: refused}, nil
}

// keepSecurity adds the security labels and team reviewers an updated
// pull request lacks (pr is the update's answer, which lists both): no
// request when it has them.
func (r *Repo) keepSecurity(ctx context.Context, pr *github.PullRequest, c reconcile.Change) error {
	var labels, teams []string
	for _, l := range c.SecurityLabels {
		if !slices.ContainsFunc(pr.Labels, func(x *github.Label) bool { return strings.EqualFold(x.GetName(), l) }) {
			labels = append(labels, l)
		}
	}
	for _, t := range c.SecurityTeams {
		if !slices.ContainsFunc(pr.RequestedTeams, func(x *github.Team) bool { return strings.EqualFold(x.GetSlug(), t) }) {
			teams = append(teams, t)
		}
	}
	if err := r.label(ctx, pr.GetNumber(), labels); err != nil {
		return err
	}
	return r.askReview(ctx, pr.GetNumber(), reconcile.Change{TeamReviewers: teams})
}

// label puts labels on the pull request. GitHub creates a label that does
// not exist yet (with its default color), so there is no separate
// creation request.
func (r *Repo) label(ctx context.Context, number int, labels []string) error {
	if len(labels) == 0 {
		return nil
	}
	if _, _, err := r.c.gh.Issues.AddLabelsToIssue(ctx, r.owner, r.name, number, labels); err != nil {
		return fmt.Errorf("label pull request #%d in %s: %w", number, r.FullName(), err)
	}
	return nil
}

// askReview requests the change's reviewers and assigns its assignees on
// a new pull request (the repository configuration's).
func (r *Repo) askReview(ctx context.Context, number int, c reconcile.Change) error {
	if len(c.Reviewers)+len(c.TeamReviewers) > 0 {
		req := github.ReviewersRequest{Reviewers: c.Reviewers, TeamReviewers: c.TeamReviewers}
		if _, _, err := r.c.gh.PullRequests.RequestReviewers(ctx, r.owner, r.name, number, req); err != nil {
			return fmt.Errorf("request reviewers on #%d in %s: %w", number, r.FullName(), err)
		}
	}
	if len(c.Assignees) > 0 {
		if _, _, err := r.c.gh.Issues.AddAssignees(ctx, r.owner, r.name, number, c.Assignees); err != nil {
			return fmt.Errorf("assign #%d in %s: %w", number, r.FullName(), err)
		}
	}
	return nil
}

// Comment adds body to pull request number unless a comment with exactly
// that body is already there (find before create, so a retried job does
// not comment twice).
func (r *Repo) Comment(ctx context.Context, number int, body string) error {
	if err := r.owned(ctx); err != nil {
		return err
	}
	comments, _, err := r.c.gh.Issues.ListComments(ctx, r.owner, r.name, number, &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}})
	if err != nil {
		return fmt.Errorf("list comments of #%d in %s: %w", number, r.FullName(), err)
	}
	for _, c := range comments {
		if c.GetBody() == body {
			return nil
		}
	}
	if _, _, err := r.c.gh.Issues.CreateComment(ctx, r.owner, r.name, number, &github.IssueComment{Body: github.String(body)}); err != nil {
		return fmt.Errorf("comment on #%d in %s: %w", number, r.FullName(), err)
	}
	return nil
}
