package main

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/bumpbot/bumpbot"
	appregister "github.com/bumpbot/bumpbot/internal/register"
)

func init() { register(newAppCmd) }

func newAppCmd() *cobra.Command {
	app := &cobra.Command{Use: "app", Short: "Manage the bumpbot GitHub App"}
	var o appregister.Options
	reg := &cobra.Command{
		Use:   "register --webhook-url URL --out FILE [--org ORG] [--github-url URL]",
		Short: "Create the GitHub App from its manifest and write its credentials",
		Long: `register creates the bumpbot GitHub App from app.yml, the manifest flow:
it serves a page on loopback whose button posts the manifest to GitHub (for
your account, or --org), GitHub sends you back with a one-time code, and
the code is exchanged for the App's id, private key, webhook secret and
OAuth client id and secret. They are written to --out (mode 0600; an
existing file is never replaced) in the form bumpbot serve --config reads.
It then prints the App's install URL and the next command.

--github-url is the REST root of GitHub Enterprise Server
(https://HOST/api/v3); the default is github.com.

Exit status: 0 when the App was created, 1 on error, 2 on usage error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.WebhookURL == "" || o.Out == "" {
				return usagef("--webhook-url and --out are required")
			}
			o.Manifest, o.Log = bumpbot.AppManifest, cmd.OutOrStdout()
			if o.APIURL == "" {
				o.APIURL = os.Getenv("BUMPBOT_GITHUB_URL")
			}
			_, err := appregister.Run(cmd.Context(), o)
			return err
		},
	}
	f := reg.Flags()
	f.StringVar(&o.WebhookURL, "webhook-url", "", "where bumpbot serve receives webhooks (https://HOST/webhooks/github)")
	f.StringVar(&o.Out, "out", "", "file the App's credentials are written to (0600, never overwritten)")
	f.StringVar(&o.Org, "org", "", "create the App for this organization (default: your account)")
	f.StringVar(&o.APIURL, "github-url", "", "GitHub's REST root, for GitHub Enterprise Server (default: BUMPBOT_GITHUB_URL, else github.com)")
	f.StringVar(&o.Listen, "listen", "127.0.0.1:0", "loopback address of the registration page")
	app.AddCommand(reg)
	return app
}
