package server

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/repostate"
)

// mayCommand are the permissions (GitHub's legacy field, where maintain
// reads as write) that may give the bot commands.
var mayCommand = map[string]bool{"admin": true, "maintain": true, "write": true}

// commandRun carries out a repository's pending comment commands before
// its reconcile, and sets what the reconcile must know of them: the
// ignores commands made, and the branches to rebuild.
type commandRun struct {
	state *repostate.Store
	app   *ghapp.App
	repo  *ghapp.Repo
	inst  int64
	name  string
	log   *slog.Logger
	now   func() time.Time
}

// run carries out every pending command, in comment order, marking each
// done once carried out: an error leaves it (and those after it) for the
// job's retry, whose steps are idempotent (a comment is not written
// twice, an ignore is recorded once, a reaction is GitHub's no-op).
func (c commandRun) run(ctx context.Context, rec *reconcile.Reconciler) error {
	pending, err := c.state.PendingCommands(ctx, c.inst, c.name)
	if err != nil {
		return err
	}
	rec.Rebuild = map[string]bool{}
	rec.Slug = c.app.Slug
	for _, cmd := range pending {
		if err := c.one(ctx, cmd, rec); err != nil {
			return fmt.Errorf("command in comment %d on #%d: %w", cmd.CommentID, cmd.Number, err)
		}
		if err := c.state.FinishCommand(ctx, c.inst, c.name, cmd.CommentID); err != nil {
			return err
		}
	}
	igs, err := c.state.Ignores(ctx, c.inst, c.name)
	if err != nil {
		return err
	}
	rec.Ignores = nil
	for _, ig := range igs {
		rec.Ignores = append(rec.Ignores, reconcile.Ignore{Layer: ig.Layer, Min: ig.Min, Max: ig.Max, By: ig.Author, On: ig.Created})
	}
	return nil
}

// one carries out one command.
func (c commandRun) one(ctx context.Context, cmd repostate.Command, rec *reconcile.Reconciler) error {
	slug, err := c.app.Slug(ctx)
	if err != nil {
		return err
	}
	verb, text, addressed := reconcile.ParseCommand(slug, cmd.Body)
	if !addressed || cmd.Author == slug+"[bot]" {
		return nil
	}
	pull, ours, err := c.repo.Pull(ctx, cmd.Number)
	if err != nil || !ours {
		return err // not a pull request of the bot's: nothing to do
	}
	perm, err := c.repo.Permission(ctx, cmd.Author)
	if err != nil {
		return err
	}
	log := c.log.With("comment_id", cmd.CommentID, "number", cmd.Number, "author", cmd.Author, "command", text)
	if !mayCommand[perm] {
		log.Info("command refused: no write permission", "permission", perm)
		return c.repo.Comment(ctx, cmd.Number, fmt.Sprintf(
			"@%s, thank you — only people with write, maintain or admin permission on this repository can give @%s commands, so this one was not carried out.",
			cmd.Author, slug))
	}
	switch verb {
	case "":
		log.Info("unknown command")
		return c.repo.Comment(ctx, cmd.Number, fmt.Sprintf("@%s, I do not know the command `%s`.\n\n%s", cmd.Author, text, reconcile.Help(slug)))
	case reconcile.CmdHelp:
		if err := c.repo.Comment(ctx, cmd.Number, reconcile.Help(slug)); err != nil {
			return err
		}
	case reconcile.CmdRebase, reconcile.CmdRecreate:
		if pull.Closed {
			return c.repo.Comment(ctx, cmd.Number, fmt.Sprintf("@%s, this pull request is closed: there is nothing to %s.", cmd.Author, verb))
		}
		rec.Rebuild[pull.Branch] = verb == reconcile.CmdRecreate
	case reconcile.CmdIgnoreVersion, reconcile.CmdIgnoreLayer:
		if err := c.ignore(ctx, cmd, pull, verb, slug); err != nil {
			return err
		}
	case reconcile.CmdUnignore:
		for _, b := range reconcile.BumpsOf(pull.Body) {
			if _, err := c.state.RemoveIgnores(ctx, c.inst, c.name, b.Layer); err != nil {
				return err
			}
		}
	}
	log.Info("command carried out")
	return c.repo.React(ctx, cmd.CommentID, "+1")
}

// ignore records the ignores of the pull request's layers (its target
// version, or the whole layer) and closes it, its markers hidden so the
// close is not read as a maintainer declining the version as well:
// unignore alone brings the layer back.
func (c commandRun) ignore(ctx context.Context, cmd repostate.Command, pull reconcile.OpenChange, verb reconcile.Command, slug string) error {
	bumps := reconcile.BumpsOf(pull.Body)
	if len(bumps) == 0 {
		return fmt.Errorf("pull request #%d names no layer", pull.Number)
	}
	now := time.Now
	if c.now != nil {
		now = c.now
	}
	var what []string
	for _, b := range bumps {
		ig := repostate.CommandIgnore{Layer: b.Layer, Author: cmd.Author, Created: now()}
		if verb == reconcile.CmdIgnoreVersion {
			ig.Min, ig.Max = b.To, b.To
		}
		if err := c.state.AddIgnore(ctx, c.inst, c.name, ig); err != nil {
			return err
		}
		what = append(what, reconcile.Ignore{Layer: ig.Layer, Min: ig.Min, Max: ig.Max, By: ig.Author, On: ig.Created}.String())
	}
	if pull.Closed {
		return nil
	}
	comment := fmt.Sprintf("Closed at the request of @%s:\n\n", cmd.Author)
	for _, w := range what {
		comment += "- " + w + "\n"
	}
	comment += "\nComment `@" + slug + " unignore` on this pull request to undo it."
	return c.repo.ClosePull(ctx, pull.Number, pull.Branch, comment, reconcile.Forget(pull.Body))
}
