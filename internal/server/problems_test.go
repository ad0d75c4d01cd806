package server_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/repostate"
)

// A reconcile whose plan holds errors used to end as a succeeded job with
// no log line and no metric. Each problem is now logged with its place and
// kind, counted by kind, and kept for the repository, replaced by the next
// reconcile's. The repository also pins the layer in a Makefile and a
// workflow, which the App used to skip (it read only some extensions):
// they are in the same pull request as main.tf.
func TestReconcileProblemsAreReported(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	pin := "arn:aws:lambda:us-east-1:123456789012:layer:mylayer:3"
	e.gh.CreateRepo(t, "acme/broken", "main", map[string]string{
		"main.tf":                      mainTF,
		"Makefile":                     "LAYER := " + pin + "\n",
		".github/workflows/deploy.yml": "on: push\njobs:\n  d:\n    steps:\n      - run: deploy --layer " + pin + "\n",
		"template.yaml":                "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  - " + pin + "\n\t: x\n",
		"denied.txt":                   "arn:aws:lambda:us-east-1:123456789012:layer:nosuchlayer:1\n",
	})
	e.gh.AddInstallation(inst+1, "acme/broken")
	srv := e.start(t, 5*time.Second)
	install(t, srv.url, "del-p1", inst+1, "acme/broken")
	waitFor(t, "the reconcile", func() bool { return strings.Contains(e.logs.String(), `"msg":"reconciled"`) })

	logs := e.logs.String()
	for _, want := range []string{
		`"msg":"reconcile error","installation_id":8,"repo":"acme/broken","kind":"parse","file":"template.yaml","line":3`,
		`"msg":"reconcile error","installation_id":8,"repo":"acme/broken","kind":"not-found","file":"denied.txt","line":1,"column":1`,
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
	resp, err := http.Get(srv.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`bumpbot_reconcile_problems_total{kind="parse",severity="error"} 1`,
		`bumpbot_reconcile_problems_total{kind="not-found",severity="error"} 1`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	got, err := srv.srv.State().Problems(context.Background(), inst+1, "acme/broken")
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, p := range got {
		if p.Severity == repostate.Error {
			kinds = append(kinds, string(p.Kind)+"@"+p.Location())
		}
	}
	if strings.Join(kinds, " ") != "not-found@denied.txt:1:1 parse@template.yaml:3" {
		t.Errorf("stored errors %v", kinds)
	}

	// The layer index holds the repository's pins, for publish events
	// and the fleet view.
	pins, err := srv.srv.State().RepoPins(context.Background(), inst+1, "acme/broken")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, p := range pins {
		if p.Layer == "mylayer" && p.Version == 3 && p.Account == account {
			files = append(files, p.File)
		}
	}
	if strings.Join(files, " ") != ".github/workflows/deploy.yml Makefile main.tf template.yaml" {
		t.Errorf("indexed pins of mylayer:3 in %v", files)
	}
	waitFor(t, "the pull request", func() bool { return len(e.gh.Pulls("acme/broken")) == 1 })
	for _, f := range []string{"Makefile", ".github/workflows/deploy.yml", "main.tf"} {
		b, _ := e.gh.File("acme/broken", "bumpbot/mylayer", f)
		if !strings.Contains(string(b), "layer:mylayer:5") {
			t.Errorf("%s on the bot's branch: %q, want the pin bumped", f, b)
		}
	}
}
