//go:build unix

// The fleet of the two-replica fault test (replicas_test.go): its
// repositories and layers, the events that move them, and what they
// must end as on the fake GitHub.

package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

const (
	fleetSize    = 200
	fleetAccount = "123456789012"
	fleetKey     = "AKIDBUMPBOT" // the access key the replicas sign AWS calls with
	fleetToken   = "replicas-aws-events-token"
	// outage is how long PostgreSQL stays down.
	outage = 10 * time.Second
)

// fleetLayers are the layers the repositories pin, all published by
// fleetAccount in us-east-1: versions 1 and 2 at first, 3 later.
var fleetLayers = []string{"alpha", "beta", "gamma", "delta"}

// fleetRepo is one repository of the fleet.
type fleetRepo struct {
	name   string
	inst   int64
	layers []string // pinned at version 1 on main
}

// newFleet returns the repositories: half in installation 7 (acme), half
// in 8 (globex); each pins one layer, and every tenth a second one, so
// it gets one pull request per layer.
func newFleet() []fleetRepo {
	out := make([]fleetRepo, fleetSize)
	for i := range out {
		owner, inst := "acme", int64(7)
		if i >= fleetSize/2 {
			owner, inst = "globex", 8
		}
		r := fleetRepo{name: fmt.Sprintf("%s/svc-%03d", owner, i), inst: inst, layers: []string{fleetLayers[i%len(fleetLayers)]}}
		if i%10 == 5 {
			r.layers = append(r.layers, fleetLayers[(i+1)%len(fleetLayers)])
		}
		out[i] = r
	}
	return out
}

// tf is the repository's main.tf with every layer pinned at version.
func (r fleetRepo) tf(version int) string {
	var b strings.Builder
	for _, l := range r.layers {
		fmt.Fprintf(&b, "resource \"aws_lambda_function\" %q {\n  function_name = %q\n  runtime       = \"python3.12\"\n  layers        = [\"arn:aws:lambda:us-east-1:%s:layer:%s:%d\"]\n}\n",
			l, l, fleetAccount, l, version)
	}
	return b.String()
}

// publishFleet publishes version v of every fleet layer on the fake AWS.
func publishFleet(t *testing.T, lambda *layerstest.Server, v int) {
	t.Helper()
	for _, l := range fleetLayers {
		publishLayer(t, lambda, l, v)
	}
}

// publishLayer publishes version v of layer l on the fake AWS, a zip
// holding one Python package whose version follows the layer's.
func publishLayer(t *testing.T, lambda *layerstest.Server, l string, v int) {
	t.Helper()
	meta := fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %d.0.0\n", l, v)
	z := layerziptest.BuildZip(t, []layerziptest.Entry{{Name: fmt.Sprintf("python/lib/python3.12/site-packages/%s-%d.0.0.dist-info/METADATA", l, v), Data: []byte(meta)}},
		layerziptest.Shape{Method: zip.Deflate})
	lambda.Publish(layerVersionARN(l, v), layerstest.Meta{Zip: z, Runtimes: []string{"python3.12"}})
}

func layerVersionARN(layer string, v int) string {
	return fmt.Sprintf("arn:aws:lambda:us-east-1:%s:layer:%s:%d", fleetAccount, layer, v)
}

// postAWS posts an EventBridge event (the CloudTrail record of a
// PublishLayerVersion call) to p's /webhooks/aws.
func (p *serveProc) postAWS(t *testing.T, id, layer string, v int) (int, string) {
	t.Helper()
	body := fmt.Sprintf(`{"version":"0","id":%q,"detail-type":"AWS API Call via CloudTrail","source":"aws.lambda","account":%q,"region":"us-east-1",
"detail":{"eventSource":"lambda.amazonaws.com","eventName":"PublishLayerVersion20181031","awsRegion":"us-east-1",
"requestParameters":{"layerName":%q},"responseElements":{"layerVersionArn":%q,"version":%d}}}`, id, fleetAccount, layer, layerVersionARN(layer, v), v)
	req, err := http.NewRequest("POST", p.url+"/webhooks/aws", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Bumpbot-Token", fleetToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// bumpTitle is the title of a fleet pull request: from 1 to 3, or to 2
// where the repository's first reconcile was under way when the publish
// event came (fleetRun.versions).
var bumpTitle = regexp.MustCompile(`^Bump (\w+) layer from 1 to ([23])$`)

// supersededNote starts the comment of a pull request closed because the
// default branch caught up.
const supersededNote = "The default branch already pins"

// fleetState says what is not yet as it must end on the fake GitHub:
// one pull request per repository and layer, open and bumping the layer,
// except in the repositories of closed, whose default branch a person
// moved past the pull request: there it is closed with one comment.
func fleetState(gh *ghapptest.Server, fleet []fleetRepo, closed map[string]bool) []string {
	var bad []string
	for _, r := range fleet {
		pulls := gh.Pulls(r.name)
		if len(pulls) != len(r.layers) {
			bad = append(bad, fmt.Sprintf("%s: %d pull requests, want %d", r.name, len(pulls), len(r.layers)))
			continue
		}
		for _, l := range r.layers {
			i := slices.IndexFunc(pulls, func(p ghapptest.Pull) bool { return p.Head == "bumpbot/"+l })
			if i < 0 {
				bad = append(bad, fmt.Sprintf("%s: no pull request for %s", r.name, l))
				continue
			}
			p := pulls[i]
			m := bumpTitle.FindStringSubmatch(p.Title)
			switch {
			case m == nil || m[1] != l:
				bad = append(bad, fmt.Sprintf("%s #%d: title %q", r.name, p.Number, p.Title))
			case closed[r.name] && (p.State != "closed" || len(gh.Comments(r.name, p.Number)) != 1):
				bad = append(bad, fmt.Sprintf("%s #%d: %s with %d comments, want closed with one", r.name, p.Number, p.State, len(gh.Comments(r.name, p.Number))))
			case !closed[r.name] && p.State != "open":
				bad = append(bad, fmt.Sprintf("%s #%d: %s", r.name, p.Number, p.State))
			}
		}
	}
	return bad
}

// pullGate, when shut, holds every request that opens a pull request
// until it opens again (the request then goes through) or the client
// goes away: a replica killed meanwhile dies between its commit and its
// pull request. It also notes when the last write to GitHub came.
type pullGate struct {
	mu        sync.Mutex
	shut      bool
	held      int
	open      chan struct{}
	lastWrite time.Time
}

func newPullGate() *pullGate { return &pullGate{open: make(chan struct{})} }

func (g *pullGate) intercept(route string, r *http.Request) bool {
	g.mu.Lock()
	if r.Method != http.MethodGet && !strings.HasPrefix(route, "POST /app/") {
		g.lastWrite = time.Now()
	}
	g.mu.Unlock()
	if route != "POST /repos/{owner}/{repo}/pulls" {
		return false
	}
	g.mu.Lock()
	shut := g.shut
	if shut {
		g.held++
	}
	g.mu.Unlock()
	if !shut {
		return false
	}
	// Reading the body lets net/http notice the client going away; the
	// fake's handler reads it again.
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	select {
	case <-g.open:
		return false
	case <-r.Context().Done():
		return true
	}
}

// shutNow makes the gate hold the pull requests to come.
func (g *pullGate) shutNow() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.shut = true
}

// holding returns how many requests the gate has held.
func (g *pullGate) holding() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.held
}

// lastWriteAt returns when the last request that writes came.
func (g *pullGate) lastWriteAt() time.Time {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.lastWrite
}

// release lets the held requests and all later ones through.
func (g *pullGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.shut = false
	close(g.open)
}

// unfinished counts the reconcile jobs not yet completed, cancelled or
// discarded.
func unfinished(states map[string]int) int {
	return states["available"] + states["pending"] + states["running"] + states["scheduled"] + states["retryable"]
}

// countPulls counts the fleet's pull requests.
func countPulls(gh *ghapptest.Server, fleet []fleetRepo) int {
	n := 0
	for _, r := range fleet {
		n += len(gh.Pulls(r.name))
	}
	return n
}

// checkFleet checks what fleetState does not: the bot's branches hold
// the bump the title names, and no pull request has a comment twice.
func checkFleet(t *testing.T, gh *ghapptest.Server, fleet []fleetRepo, closed map[string]bool) {
	t.Helper()
	for _, r := range fleet {
		for _, p := range gh.Pulls(r.name) {
			seen := map[string]bool{}
			for _, c := range gh.Comments(r.name, p.Number) {
				if seen[c.Body] {
					t.Errorf("%s #%d: comment written twice: %.60q", r.name, p.Number, c.Body)
				}
				seen[c.Body] = true
				if closed[r.name] && !strings.HasPrefix(c.Body, supersededNote) {
					t.Errorf("%s #%d: comment %.60q, want the superseded note", r.name, p.Number, c.Body)
				}
			}
			if closed[r.name] {
				continue
			}
			m := bumpTitle.FindStringSubmatch(p.Title)
			if m == nil {
				continue // fleetState said so
			}
			if got, _ := gh.File(r.name, p.Head, "main.tf"); !strings.Contains(string(got), m[1]+":"+m[2]) {
				t.Errorf("%s %s holds %s, want %s:%s", r.name, p.Head, got, m[1], m[2])
			}
		}
	}
}
