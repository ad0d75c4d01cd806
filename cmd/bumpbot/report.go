package main

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/fleet"
	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/policy"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/worktree"
)

func init() { register(newReportCmd) }

func newReportCmd() *cobra.Command {
	var (
		lf                  layerFlags
		regions, policyPath string
		asJSON, asCSV       bool
	)
	cmd := &cobra.Command{
		Use:   "report [--registry aws|dir:PATH] [--regions R1,R2] [--policy FILE] [--json|--csv] PATH...",
		Short: "One row per pinned layer version across checkouts: current, behind, deleted, or in violation",
		Long: `report looks at one or many checkouts (each PATH a repository root) and
prints one row per pinned layer version: repository, file, line, layer,
pinned version, the newest version it can move to, and its status —
current, behind, deleted (the pinned version no longer exists), error
(the layer could not be resolved), or violation (with --policy, the rule
it breaks). Rows come worst first, then a one-line summary. --json prints
{"pins":[...],"summary":{...},"errors":[...]}; --csv prints the rows.

A checkout is named owner/name from the URL of its origin remote (else by
its directory), and the newest version is the one bump would move the pin
to: its .github/bumpbot.yml and the policy are followed. These are the
rows of the App's /api/fleet/pins for the same repositories.

Exit status: 0 on success (whatever the statuses), 1 when a PATH could not
be read, 2 on usage error.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if asJSON && asCSV {
				return usagef("--json and --csv exclude each other")
			}
			// The settings bump plans with, completed per PATH by its
			// repository configuration, as the App plans: "newest" is
			// where a bump would move the pin, the same number the App's
			// fleet view shows.
			given := bumpSettings{
				regions:  config.First(config.Flag("regions", regions, cmd.Flags().Changed("regions")), config.Env(os.Getenv, "BUMPBOT_REGIONS")),
				fallback: config.DefaultRegion(os.Getenv),
			}
			if _, err := given.options(config.Repo{}); err != nil {
				return usageError{err}
			}
			var pol *policy.Policy
			if policyPath != "" {
				p, err := loadPolicy(policyPath)
				if err != nil {
					return err
				}
				pol, given.policy = &p, p
			}
			b, err := lf.open(cmd)
			if err != nil {
				return err
			}
			given.changelog = noChangelog{}
			rows := []fleet.Row{}
			errs := []problem.Problem{}
			for _, p := range args {
				// A configuration that does not parse is reported; the
				// pins are rated by the defaults, as the App rates them
				// when no valid configuration was ever seen.
				cfg, probs, _ := repoConfig(p, "")
				errs = append(errs, probs...)
				opts, err := given.options(cfg)
				if err != nil {
					errs = append(errs, problem.New(problem.Config, p, 0, 0, err))
					continue
				}
				rec := &reconcile.Reconciler{
					Planner:  reconcile.BumpPlanner{Registry: b.Registry, Options: opts},
					Grouping: reconcile.AllInOne,
					Include:  cfg.IncludesPath,
				}
				res, err := rec.Run(cmd.Context(), "", &worktree.Dir{Root: p})
				if err != nil {
					errs = append(errs, problem.New(problem.Read, p, 0, 0, err))
					continue
				}
				rows = append(rows, fleet.FromReport(repoName(p), res.Report, pol, now())...)
			}
			fleet.Sort(rows)
			out := cmd.OutOrStdout()
			printProblems(cmd.ErrOrStderr(), errs, nil)
			switch {
			case asJSON:
				err = writeJSON(out, map[string]any{"pins": rows, "summary": fleet.Summarize(rows), "errors": errs})
			case asCSV:
				err = fleet.WriteCSV(out, rows)
			default:
				err = fleet.WriteText(out, rows)
			}
			if err != nil {
				return err
			}
			if len(errs) > 0 {
				return silentError{exitError}
			}
			return nil
		},
	}
	lf.add(cmd)
	f := cmd.Flags()
	f.StringVar(&regions, "regions", "", "regions for ARNs whose region is a placeholder (default: BUMPBOT_REGIONS, AWS_REGION, AWS_DEFAULT_REGION)")
	f.StringVar(&policyPath, "policy", "", "security policy (bumpbot-policy.yml): rows it rejects are violations")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	f.BoolVar(&asCSV, "csv", false, "print CSV")
	return cmd
}

// noChangelog skips changelogs: a report needs the versions, not what
// changed inside the layers.
type noChangelog struct{}

func (noChangelog) Changelog(context.Context, layerarn.ARN, layerarn.ARN) (bump.Entry, error) {
	return bump.Entry{}, nil
}
