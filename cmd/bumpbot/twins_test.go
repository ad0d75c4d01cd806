//go:build unix

package main

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/fleet"
	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
	"github.com/bumpbot/bumpbot/internal/testtool"
)

// The layers of the twin test: mylayer of the fake's owner account, its
// versions numbered apart in two regions.
const (
	twinAccount = "111111111111" // layerstest's AKIDOWNER
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
  unknown:
    handler: handler.unknown
    layers:
      - arn:aws:lambda:us-east-1:222222222222:layer:private:1
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
// facts about the same repositories: the App (the bumpbot binary's
// serve) reconciles them from the fake GitHub, report reads them as
// checkouts, both through the real AWS SDK against the same fake Lambda
// endpoint; with the org's security policy (in its .github
// repository for the App, --policy for report) the pins it rejects are
// violations on both sides, with the same rule.
func TestFleetTwinsAgreeWithReport(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bumpbot binary")
	}
	git := testtool.Need(t, "git")
	bin := buildBumpbot(t)
	for _, tc := range []struct {
		name, policy string
		want         map[string]string // repository file:line -> status newest
	}{
		{name: "no policy", want: map[string]string{
			"acme/tf main.tf:4": "behind 5", "acme/tf main.tf:10": "current 6",
			"acme/sam template.yaml:11": "behind 12", "acme/sam template.yaml:19": "behind 6",
			"acme/sls serverless.yml:9": "deleted 6", "acme/sls serverless.yml:13": "current 12", "acme/sls serverless.yml:17": "deleted 1",
		}},
		// Versions 3 and 6 are withdrawn: no pin moves onto 6.
		{name: "org policy", policy: "version: 1\nrules:\n  - {layer: mylayer, deny: [3, 6], reason: withdrawn build}\n",
			want: map[string]string{
				"acme/tf main.tf:4": "violation 5", "acme/tf main.tf:10": "violation 6",
				"acme/sam template.yaml:11": "behind 12", "acme/sam template.yaml:19": "current 5",
				"acme/sls serverless.yml:9": "deleted 5", "acme/sls serverless.yml:13": "current 12", "acme/sls serverless.yml:17": "deleted 1",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lt := twinLayers(t)
			awsEnv(t, lt.URL, "AKIDOWNER")
			repos := twinRepos()
			url := fleetOfApp(t, bin, repos, tc.policy)
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
			violations := -1
			for _, l := range layerRows {
				if l.Layer == "mylayer" {
					violations = l.Violations
				}
			}
			if want := strings.Count(fmt.Sprint(tc.want), "violation"); violations != want {
				t.Errorf("mylayer has %d violations, want %d: %+v", violations, want, layerRows)
			}
			if tc.policy != "" && !strings.Contains(page, "mylayer: version 3 is withdrawn (denied): withdrawn build") {
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
// repository holding it) on a fake GitHub, runs the App (bin serve, its
// layers read from the AWS endpoint the environment names) until every
// repository is reconciled, and returns its URL.
func fleetOfApp(t *testing.T, bin string, repos map[string]map[string]string, pol string) string {
	t.Helper()
	e := &serveEnv{bin: bin, gh: ghapptest.New(t, serveApp), args: []string{"--registry", "aws"},
		env: []string{"BUMPBOT_DB=" + filepath.Join(t.TempDir(), "bumpbot.db"), "BUMPBOT_POLL_INTERVAL=0"}}
	var names []string
	for name, files := range repos {
		e.gh.CreateRepo(t, name, "main", files)
		names = append(names, name)
	}
	installed := names
	if pol != "" {
		e.gh.CreateRepo(t, "acme/.github", "main", map[string]string{"bumpbot-policy.yml": pol})
		installed = append([]string{"acme/.github"}, names...)
	}
	e.gh.AddInstallation(crashInst, installed...)
	p := e.start(t, "BUMPBOT_LAYER_POLL_INTERVAL=0", "BUMPBOT_FLEET_TOKEN="+twinToken, "BUMPBOT_REGIONS=us-east-1,eu-west-1")
	var list []any
	for i, name := range names {
		_, short, _ := strings.Cut(name, "/")
		list = append(list, map[string]any{"id": 100 + i, "name": short, "full_name": name})
	}
	p.deliver(t, "installation", "twins-1", map[string]any{"action": "created", "installation": map[string]any{"id": crashInst}, "repositories": list})
	waitUntil(t, 60*time.Second, "every repository reconciled", func() bool {
		return strings.Count(p.output(), `"msg":"reconciled"`) >= len(names)
	})
	return p.url
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
