//go:build unix

package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/bump"
	"github.com/bumpbot/bumpbot/internal/changelog"
	"github.com/bumpbot/bumpbot/internal/fleet"
	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
	"github.com/bumpbot/bumpbot/internal/reconcile"
	"github.com/bumpbot/bumpbot/internal/server"
	"github.com/bumpbot/bumpbot/internal/testtool"
)

// The layers of the twin test: mylayer of the fake's owner account, its
// versions numbered apart in two regions.
const (
	twinAccount = "111111111111" // layerstest's AKIDOWNER
	twinSecret  = "twins-webhook-secret"
	twinToken   = "twins-fleet-token"
)

func twinARN(region string, v int) string {
	return fmt.Sprintf("arn:aws:lambda:%s:%s:layer:mylayer:%d", region, twinAccount, v)
}

// twinRepos are the repositories of the twin test, as files: Terraform,
// SAM and Serverless (one with its own configuration); a pin behind, one current, one on a deleted
// version; us-east-1 (versions 3, 5, 6: 4 was deleted) and eu-west-1
// (versions 5, 6, 10 and 12), and a pin in both (a placeholder region:
// it moves to the newest version in every region, 6).
func twinRepos() map[string]map[string]string {
	return map[string]map[string]string{
		// The maintainers skip version 6: the pin on 3 can move to 5 only.
		"acme/tf": {".github/bumpbot.yml": "version: 1\nignore: [{layer: mylayer, versions: ['6']}]\n", "main.tf": `resource "aws_lambda_function" "old" {
  function_name = "old"
  runtime       = "python3.12"
  layers        = ["` + twinARN("us-east-1", 3) + `"]
}

resource "aws_lambda_function" "new" {
  function_name = "new"
  runtime       = "python3.12"
  layers        = ["` + twinARN("us-east-1", 6) + `"]
}
`},
		"acme/sam": {"template.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Layers:
        - ` + twinARN("eu-west-1", 10) + `
  Everywhere:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Layers:
        - !Sub arn:aws:lambda:${AWS::Region}:` + twinAccount + `:layer:mylayer:5
`},
		"acme/sls": {"serverless.yml": `service: svc
provider:
  name: aws
  runtime: python3.12
functions:
  gone:
    handler: handler.gone
    layers:
      - ` + twinARN("us-east-1", 4) + `
  eu:
    handler: handler.eu
    layers:
      - ` + twinARN("eu-west-1", 12) + `
`},
	}
}

// twinLayers starts the fake Lambda endpoint holding the twin test's
// layer versions, each a real zip.
func twinLayers(t *testing.T) *layerstest.Server {
	lt := layerstest.New(t)
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.Create("python/mylayer-1.0.0.dist-info/METADATA")
	w.Write([]byte("Metadata-Version: 2.1\nName: mylayer\nVersion: 1.0.0\n"))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	m := layerstest.Meta{Runtimes: []string{"python3.12"}, Zip: buf.Bytes()}
	lt.PublishRange(strings.TrimSuffix(twinARN("us-east-1", 0), ":0"), 3, 6, m)
	lt.Delete(twinARN("us-east-1", 4))
	lt.Publish(twinARN("eu-west-1", 5), m)
	lt.Publish(twinARN("eu-west-1", 6), m)
	lt.Publish(twinARN("eu-west-1", 10), m)
	lt.Publish(twinARN("eu-west-1", 12), m)
	return lt
}

// The fleet view's JSON twin and `bumpbot report --json` tell the same
// facts about the same repositories: the App reconciles them from the
// fake GitHub, report reads them as checkouts, both against the same
// fake Lambda endpoint; with the org's security policy (in its .github
// repository for the App, --policy for report) the pins it rejects are
// violations on both sides, with the same rule.
func TestFleetTwinsAgreeWithReport(t *testing.T) {
	git := testtool.Need(t, "git")
	for _, tc := range []struct {
		name, policy string
		want         map[string]string // repository file:line -> status newest
	}{
		{name: "no policy", want: map[string]string{
			"acme/tf main.tf:4": "behind 5", "acme/tf main.tf:10": "current 6",
			"acme/sam template.yaml:11": "behind 12", "acme/sam template.yaml:19": "behind 6",
			"acme/sls serverless.yml:9": "deleted 6", "acme/sls serverless.yml:13": "current 12",
		}},
		// Versions 3 and 6 are withdrawn: no pin moves onto 6.
		{name: "org policy", policy: "version: 1\nrules:\n  - {layer: mylayer, deny: [3, 6], reason: withdrawn build}\n",
			want: map[string]string{
				"acme/tf main.tf:4": "violation 5", "acme/tf main.tf:10": "violation 6",
				"acme/sam template.yaml:11": "behind 12", "acme/sam template.yaml:19": "current 5",
				"acme/sls serverless.yml:9": "deleted 5", "acme/sls serverless.yml:13": "current 12",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lt := twinLayers(t)
			repos := twinRepos()
			url := fleetOfApp(t, lt, repos, tc.policy)
			var twin struct {
				Pins []fleet.Row `json:"pins"`
			}
			fleetGet(t, url, "/api/fleet/pins", &twin)
			app := twin.Pins

			work := t.TempDir()
			args := []string{"report", "--registry", "aws", "--regions", "us-east-1,eu-west-1", "--json"}
			if tc.policy != "" {
				p := filepath.Join(work, "bumpbot-policy.yml")
				if err := os.WriteFile(p, []byte(tc.policy), 0o644); err != nil {
					t.Fatal(err)
				}
				args = append(args, "--policy", p)
			}
			for name, files := range repos {
				args = append(args, checkout(t, git, filepath.Join(work, filepath.FromSlash(name)), name, files))
			}
			defer func(o layers.RegistryOptions) { registryOptions = o }(registryOptions)
			registryOptions = layers.RegistryOptions{ConfigOptions: lt.ConfigOptions("AKIDOWNER"), MaxBackoff: time.Millisecond}
			code, stdout, stderr := runCLI(t, args...)
			var cli struct {
				Pins []fleet.Row `json:"pins"`
			}
			if err := json.Unmarshal([]byte(stdout), &cli); code != 0 || err != nil {
				t.Fatalf("report: exit %d, %v\n%s", code, err, stderr)
			}

			for i := range app {
				app[i].Pull = nil // the App's own: report has no pull requests
			}
			if d := cmp.Diff(cli.Pins, app); d != "" {
				t.Errorf("/api/fleet/pins (+) and report --json (-) differ:\n%s", d)
			}
			got := map[string]string{}
			for _, r := range app {
				got[fmt.Sprintf("%s %s:%d", r.Repository, r.File, r.Line)] = fmt.Sprintf("%s %d", r.Status, r.Newest)
				if r.Status == fleet.Violation && !strings.Contains(r.Rule, "withdrawn build") {
					t.Errorf("%s:%d: violation without its rule: %q", r.File, r.Line, r.Rule)
				}
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("statuses and newest versions of the App's rows (-want +got):\n%s", d)
			}
			// The layer's count of violations, and the rule on the page.
			var layerRows []fleet.LayerRow
			fleetGet(t, url, "/api/fleet/layers", &layerRows)
			page := fleetGet(t, url, "/fleet/repos/acme/tf", nil)
			if tc.policy == "" {
				if len(layerRows) != 1 || layerRows[0].Violations != 0 {
					t.Errorf("layers %+v, want mylayer without violations", layerRows)
				}
				return
			}
			if len(layerRows) != 1 || layerRows[0].Violations != 2 {
				t.Errorf("layers %+v, want mylayer with 2 violations", layerRows)
			}
			if !strings.Contains(page, "mylayer: version 3 is withdrawn (denied): withdrawn build") {
				t.Errorf("the repository page does not show the rule:\n%s", page)
			}
		})
	}
}

// checkout writes files as a git checkout of repository name (its origin
// remote on github.com) at dir, and returns dir.
func checkout(t *testing.T, git, dir, name string, files map[string]string) string {
	t.Helper()
	for p, body := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"remote", "add", "origin", "https://github.com/" + name + ".git"}} {
		cmd := exec.Command(git, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

// fleetOfApp installs repos (and, with a policy, the org's .github
// repository holding it) on a fake GitHub, runs the App against lt until
// every repository is reconciled, and returns its URL.
func fleetOfApp(t *testing.T, lt *layerstest.Server, repos map[string]map[string]string, pol string) string {
	t.Helper()
	gh := ghapptest.New(t, 99)
	var names []string
	for name, files := range repos {
		gh.CreateRepo(t, name, "main", files)
		names = append(names, name)
	}
	installed := names
	if pol != "" {
		gh.CreateRepo(t, "acme/.github", "main", map[string]string{"bumpbot-policy.yml": pol})
		installed = append([]string{"acme/.github"}, names...)
	}
	gh.AddInstallation(7, installed...)
	env := map[string]string{
		"BUMPBOT_APP_ID": "99", "BUMPBOT_PRIVATE_KEY": string(gh.PrivateKeyPEM), "BUMPBOT_WEBHOOK_SECRET": twinSecret,
		"BUMPBOT_DB": filepath.Join(t.TempDir(), "bumpbot.db"), "BUMPBOT_GITHUB_URL": gh.URL,
		"BUMPBOT_POLL_INTERVAL": "0", "BUMPBOT_LAYER_POLL_INTERVAL": "0", "BUMPBOT_FLEET_TOKEN": twinToken,
		"BUMPBOT_REGIONS": "us-east-1,eu-west-1",
	}
	cfg, err := server.LoadConfig("", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	reg := lt.OpenRegistry(t, "AKIDOWNER", layers.RegistryOptions{})
	logs := &testtool.Buffer{}
	// The planner serve wires.
	planner := reconcile.BumpPlanner{Registry: reg, Options: bump.Options{Regions: cfg.Regions,
		Changelog: bump.PackageChangelog{Builder: &changelog.Builder{Registry: reg}}}}
	srv, err := server.New(context.Background(), cfg, server.Options{Planner: planner, Registry: reg,
		Logger: slog.New(slog.NewJSONHandler(logs, nil)), PollInterval: 20 * time.Millisecond, ShutdownTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-done
		if t.Failed() {
			t.Logf("bumpbot serve logs:\n%s", logs.String())
		}
	})
	url := "http://" + ln.Addr().String()

	var list []any
	for i, name := range names {
		_, short, _ := strings.Cut(name, "/")
		list = append(list, map[string]any{"id": 100 + i, "name": short, "full_name": name})
	}
	body, _ := json.Marshal(map[string]any{"action": "created", "installation": map[string]any{"id": 7}, "repositories": list})
	resp, err := http.DefaultClient.Do(ghapptest.NewDelivery(url+"/webhooks/github", []byte(twinSecret), "installation", "twins-1", body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("installation webhook: %d", resp.StatusCode)
	}
	waitUntil(t, 60*time.Second, "every repository reconciled", func() bool {
		return strings.Count(logs.String(), `"msg":"reconciled"`) >= len(names)
	})

	return url
}

// fleetGet reads a page or JSON twin of the fleet view with the fleet
// token, and decodes JSON into v (when not nil).
func fleetGet(t *testing.T, url, path string, v any) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url+path, nil)
	req.Header.Set("Authorization", "Bearer "+twinToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d\n%s", path, resp.StatusCode, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v\n%s", path, err, b)
		}
	}
	return string(b)
}
