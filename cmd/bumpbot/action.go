package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/ghapp"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/reconcile"
)

func init() { register(newActionCmd) }

func newActionCmd() *cobra.Command {
	var (
		lf      layerFlags
		af      advisoryFlags
		regions string
	)
	cmd := &cobra.Command{
		Use:   "action [--registry …] [--regions R1,R2]",
		Short: "Run the App's reconcile once in a GitHub Actions workflow, with the workflow's token",
		Long: `action runs in a GitHub Actions workflow (see action.yml) and does for the
workflow's repository what the App does: it reads .github/bumpbot.yml,
resolves every pinned layer and opens or updates one pull request per
layer on bumpbot/ branches, authenticated by GITHUB_TOKEN (or
BUMPBOT_TOKEN, or INPUT_TOKEN from the action's token input) instead of
an App installation. GITHUB_REPOSITORY names the repository and
GITHUB_API_URL the API (GitHub Enterprise Server). Problems are printed
as workflow annotations (::error file=…,line=…::).

Pull requests opened with GITHUB_TOKEN do not start other workflows (a
GitHub rule against loops): give the action a token of a GitHub App or a
fine-grained personal access token (input token) when the pull requests
must run your checks.

Exit status: 0 when the reconcile succeeded without errors, 1 otherwise, 2
on usage error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			token := firstEnv("INPUT_TOKEN", "BUMPBOT_TOKEN", "GITHUB_TOKEN")
			repo := os.Getenv("GITHUB_REPOSITORY")
			owner, _, ok := strings.Cut(repo, "/")
			if token == "" || !ok {
				return usagef("GITHUB_TOKEN (or BUMPBOT_TOKEN) and GITHUB_REPOSITORY are required: run it in a workflow")
			}
			rs, err := regionsFlag(cmd, regions, "INPUT_REGIONS", "BUMPBOT_REGIONS")
			if err != nil {
				return err
			}
			b, err := openLayers(cmd, &lf, &af)
			if err != nil {
				return err
			}
			client, err := ghapp.NewTokenClient(ghapp.TokenConfig{Token: token, BaseURL: os.Getenv("GITHUB_API_URL"), Owner: owner})
			if err != nil {
				return err
			}
			forge, err := client.Repo(repo)
			if err != nil {
				return err
			}
			rec := &reconcile.Reconciler{
				Planner:    reconcile.BumpPlanner{Registry: b.Registry, Options: bump.Options{Regions: rs, Changelog: bump.PackageChangelog{Builder: b}}},
				ReadConfig: true,
			}
			res, err := rec.Run(cmd.Context(), "", forge)
			out := cmd.OutOrStdout()
			annotate(out, res.Report.Errors, "error")
			annotate(out, res.Report.Notes, "notice")
			fmt.Fprintf(out, "%s: %s, %d opened, %d updated, %d unchanged, %d errors\n", repo, pinCount(res.Report.Pins), res.Opened, res.Updated, res.Unchanged, len(res.Report.Errors))
			if err != nil {
				return err
			}
			if len(res.Report.Errors) > 0 {
				return silentError{exitError}
			}
			return nil
		},
	}
	lf.add(cmd)
	af.add(cmd)
	cmd.Flags().StringVar(&regions, "regions", "", "regions for ARNs whose region is a placeholder (default: the regions input, BUMPBOT_REGIONS, AWS_REGION)")
	return cmd
}

// annotate prints problems as GitHub Actions workflow commands, which the
// run's page shows on the lines they name.
func annotate(w io.Writer, ps []problem.Problem, level string) {
	for _, p := range ps {
		loc := "file=" + escapeProperty(p.File)
		if p.Line > 0 {
			loc += fmt.Sprintf(",line=%d", p.Line)
			if p.Column > 0 {
				loc += fmt.Sprintf(",col=%d", p.Column)
			}
		}
		fmt.Fprintf(w, "::%s %s,title=bumpbot %s::%s\n", level, loc, p.Kind, escapeData(p.Message))
	}
}

// escapeData and escapeProperty follow the workflow command encoding.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func firstEnv(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}
