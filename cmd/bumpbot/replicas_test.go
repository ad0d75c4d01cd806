//go:build unix

package main

import (
	"archive/zip"
	"bytes"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver the test reads the queue with

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/jobs/jobstest"
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

// bumpTitle is the title of a fleet pull request: from 1 to the newest
// version the replica that ran the last reconcile knew of.
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

// Two replicas of bumpbot serve share one PostgreSQL database, the fake
// GitHub and the fake AWS Lambda API, and bump 200 repositories while
// webhooks and layer-publish events reach either of them. Midway one
// replica is killed (SIGKILL) and started again; then PostgreSQL stops
// for ten seconds. /readyz fails on both meanwhile and recovers by
// itself; every repository ends with one pull request per layer pinned,
// no job is lost or left behind, and no comment is written twice.
func TestReplicasUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the bumpbot binary against PostgreSQL")
	}
	cluster := jobstest.Private(t)
	dbURL := cluster.NewDatabase(t)
	bin := buildBumpbot(t)
	gh, lambda := ghapptest.New(t, serveApp), layerstest.New(t)
	gate := newPullGate()
	gh.Intercept(gate.intercept)
	lambda.AddCaller(fleetKey, fleetAccount)
	publishFleet(t, lambda, 1)
	publishFleet(t, lambda, 2)
	fleet := newFleet()
	byInst := map[int64][]string{}
	for _, r := range fleet {
		gh.CreateRepo(t, r.name, "main", map[string]string{"main.tf": r.tf(1)})
		gh.AddInstallation(r.inst, r.name)
		byInst[r.inst] = append(byInst[r.inst], r.name)
	}
	awsDir := t.TempDir()
	e := &serveEnv{bin: bin, gh: gh, args: []string{"--registry", "aws"}, env: []string{
		"BUMPBOT_DATABASE_URL=" + dbURL, "BUMPBOT_AWS_EVENTS_TOKEN=" + fleetToken,
		// Only the events ask for reconciles.
		"BUMPBOT_POLL_INTERVAL=0", "BUMPBOT_LAYER_POLL_INTERVAL=0",
		// A killed replica's jobs run again within a minute or so (the
		// delay plus River's rescuer period), not after the default 6m.
		"BUMPBOT_JOB_TIMEOUT=20s", "BUMPBOT_RESCUE_AFTER=24s",
		"AWS_ENDPOINT_URL_LAMBDA=" + lambda.URL, "AWS_ACCESS_KEY_ID=" + fleetKey, "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_SESSION_TOKEN=", "AWS_PROFILE=", "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(awsDir, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(awsDir, "credentials"),
	}}
	// Each replica caches layer inventories on a disk of its own.
	start := func() *serveProc { return e.start(t, "XDG_CACHE_HOME="+t.TempDir()) }
	reps := []*serveProc{start(), start()}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// The installations' repositories arrive in batches of ten, each
	// batch a delivery to one replica or the other, as a load balancer
	// spreads them; every fifth repository also gets a push.
	type delivery struct {
		event, id string
		payload   any
	}
	var deliveries []delivery
	for _, inst := range []int64{7, 8} {
		names := byInst[inst]
		for i := 0; i < len(names); i += 10 {
			d := delivery{"installation_repositories", fmt.Sprintf("inst-%d-%d", inst, i), installationPayload("added", inst, names[i:i+10]...)}
			if i == 0 {
				d = delivery{"installation", fmt.Sprintf("inst-%d", inst), installationPayload("created", inst, names[i:i+10]...)}
			}
			deliveries = append(deliveries, d)
		}
	}
	began := time.Now()
	for i, d := range deliveries {
		reps[i%2].deliver(t, d.event, d.id, d.payload)
	}
	for i, r := range fleet {
		if i%5 == 0 {
			reps[i%2].deliver(t, "push", fmt.Sprintf("push-%d", i), pushPayload(gh, r.inst, r.name))
		}
	}

	// Midway, replica 0 dies with reconciles in flight: every worker of
	// both replicas (4 each) is held on its way to a pull request when it
	// is killed.
	waitUntil(t, 120*time.Second, "40 pull requests", func() bool { return countPulls(gh, fleet) >= 40 })
	gate.shutNow()
	waitUntil(t, 120*time.Second, "8 reconciles held before their pull request", func() bool { return gate.holding() >= 8 })
	reps[0].kill(t)
	gate.release()
	killedAt := countPulls(gh, fleet)

	// While it is down the layers move; the publish events reach the
	// replica that is left.
	publishFleet(t, lambda, 3)
	for _, l := range fleetLayers {
		if status, body := reps[1].postAWS(t, "publish-"+l, l, 3); status != http.StatusAccepted {
			t.Fatalf("publish event of %s: %d %s", l, status, body)
		}
	}
	reps[0] = start()
	// EventBridge and GitHub deliver at least once: the same events again,
	// now to the restarted replica, change nothing.
	for _, l := range fleetLayers {
		if status, body := reps[0].postAWS(t, "publish-"+l, l, 3); status != http.StatusOK || body != "duplicate event" {
			t.Errorf("redelivered publish event of %s: %d %s, want 200 duplicate event", l, status, body)
		}
	}
	for _, d := range deliveries[:4] {
		if status, body := reps[0].post(t, d.event, d.id, d.payload); status != http.StatusOK || !strings.Contains(body, "duplicate") {
			t.Errorf("redelivery %s: %d %s, want 200 duplicate", d.id, status, body)
		}
	}
	// A person moves the pins of some repositories past the bot's pull
	// request, which must close it with one comment, however many
	// reconciles see it.
	closed := map[string]bool{}
	for i, r := range fleet {
		if len(closed) == 10 {
			break
		}
		if len(r.layers) != 1 || len(gh.Pulls(r.name)) != 1 {
			continue
		}
		closed[r.name] = true
		gh.Push(t, r.name, "main", map[string]string{"main.tf": r.tf(3)}, "move the layer by hand")
		id := fmt.Sprintf("manual-%d", i)
		reps[i%2].deliver(t, "push", id, pushPayload(gh, r.inst, r.name))
		if status, _ := reps[(i+1)%2].post(t, "push", id, pushPayload(gh, r.inst, r.name)); status != http.StatusOK {
			t.Errorf("push %s delivered to the other replica too: %d, want 200 (duplicate)", id, status)
		}
	}

	// PostgreSQL goes away with work in flight.
	before := countJobStates(t, db)
	downAt := time.Now()
	if err := cluster.Down(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 60*time.Second, "/readyz to fail on both replicas", func() bool {
		return reps[0].status(t, "/readyz") != http.StatusOK && reps[1].status(t, "/readyz") != http.StatusOK
	})
	refused := fleet[1]
	if status, body := reps[1].post(t, "push", "during-outage", pushPayload(gh, refused.inst, refused.name)); status < 500 {
		t.Errorf("webhook with the database down: %d %s, want a 5xx GitHub redelivers", status, body)
	}
	for i, p := range reps {
		if got := p.status(t, "/healthz"); got != http.StatusOK || !p.alive() {
			t.Errorf("replica %d with the database down: /healthz %d, alive %v; want 200, alive", i, got, p.alive())
		}
	}
	time.Sleep(time.Until(downAt.Add(outage)))
	for i, p := range reps {
		if got := p.status(t, "/readyz"); got == http.StatusOK {
			t.Errorf("replica %d: /readyz %d at the end of the outage, want a failure", i, got)
		}
	}
	if err := cluster.Up(); err != nil {
		t.Fatal(err)
	}
	upAt := time.Now()
	waitUntil(t, 120*time.Second, "/readyz to pass again on both replicas", func() bool {
		return reps[0].status(t, "/readyz") == http.StatusOK && reps[1].status(t, "/readyz") == http.StatusOK
	})
	t.Logf("before the outage: %d pull requests when replica 0 was killed; jobs %v when PostgreSQL stopped; ready again %.1fs after it came back",
		killedAt, before, time.Since(upAt).Seconds())
	// GitHub redelivers what was refused.
	reps[1].deliver(t, "push", "during-outage", pushPayload(gh, refused.inst, refused.name))

	// Both replicas work the queue again: more pushes until each has
	// reconciled a repository since the database came back.
	marks := []int{len(reps[0].output()), len(reps[1].output())}
	k := 0
	waitUntil(t, 120*time.Second, "both replicas to reconcile after the outage", func() bool {
		if k%40 == 0 {
			r := fleet[(k/40)%fleetSize]
			reps[(k/40)%2].deliver(t, "push", fmt.Sprintf("after-%d", k), pushPayload(gh, r.inst, r.name))
		}
		k++
		return strings.Contains(reps[0].output()[marks[0]:], `"msg":"reconciled"`) && strings.Contains(reps[1].output()[marks[1]:], `"msg":"reconciled"`)
	})

	var bad []string
	var stale []string
	defer func() {
		if t.Failed() && len(bad)+len(stale) > 0 {
			t.Logf("%d problems left, first: %q; %d pull requests not moved to alpha 4: %q", len(bad), bad[:min(len(bad), 10)], len(stale), stale[:min(len(stale), 10)])
		}
	}()
	waitUntil(t, 240*time.Second, "every repository's pull requests", func() bool {
		bad = fleetState(gh, fleet, closed)
		return len(bad) == 0
	})
	drained := gate.lastWriteAt().Sub(began)
	var states map[string]int
	waitUntil(t, 240*time.Second, "the job queue to drain", func() bool {
		states = countJobStates(t, db)
		return unfinished(states) == 0
	})
	if states["discarded"]+states["cancelled"] != 0 {
		t.Errorf("jobs %v: some were given up", states)
	}
	checkFleet(t, gh, fleet, closed)
	for i, p := range reps {
		if !p.alive() || p.status(t, "/healthz") != http.StatusOK || p.status(t, "/readyz") != http.StatusOK {
			t.Errorf("replica %d is not healthy and ready at the end (alive %v)", i, p.alive())
		}
	}
	var retried, retries, total int
	if err := db.QueryRow(`SELECT count(*) FILTER (WHERE coalesce(array_length(errors, 1), 0) > 0), coalesce(sum(array_length(errors, 1)), 0), count(*)
		FROM river_job WHERE kind = 'bumpbot_reconcile_repo'`).Scan(&retried, &retries, &total); err != nil {
		t.Fatal(err)
	}
	// A pull request left at version 2 is legitimate (its repository was
	// being reconciled, not yet in the layer index, when the publish
	// event came: the layer poll catches up), but worth seeing.
	at3, at2 := 0, []string{}
	for _, r := range fleet {
		for _, p := range gh.Pulls(r.name) {
			switch {
			case strings.HasSuffix(p.Title, " to 3"):
				at3++
			case p.State == "open":
				at2 = append(at2, r.name+" "+p.Head)
			}
		}
	}
	// One more version of one layer, its event reaching one replica: every
	// open pull request moves to it, whichever replica reconciles the
	// repository (each caches layer listings for minutes).
	publishLayer(t, lambda, "alpha", 4)
	if status, body := reps[0].postAWS(t, "publish-alpha-4", "alpha", 4); status != http.StatusAccepted {
		t.Fatalf("publish event of alpha 4: %d %s", status, body)
	}
	waitUntil(t, 120*time.Second, "every alpha pull request to move to 4", func() bool {
		stale = stale[:0]
		for _, r := range fleet {
			for _, p := range gh.Pulls(r.name) {
				if !closed[r.name] && p.Head == "bumpbot/alpha" && !strings.HasSuffix(p.Title, " to 4") {
					stale = append(stale, r.name)
				}
			}
		}
		return len(stale) == 0
	})
	t.Logf("drained in %.1fs (first delivery to the last write on GitHub, a %v outage included); %d reconcile jobs, %d retried (%d failed attempts: errors and rescues); %d pull requests at version 3, open ones at 2: %q; jobs %v",
		drained.Seconds(), outage, total, retried, retries, at3, at2, states)
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
