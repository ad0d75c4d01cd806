//go:build unix

package main

import (
	"database/sql"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver the test reads the queue with

	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/jobs/jobstest"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
)

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
	f := newFleetRun(t)
	began := time.Now()
	deliveries := f.deliverAll()
	killedAt := f.killMidway()
	f.publishWhileDown()
	f.reps[0] = f.start()
	f.redeliver(deliveries[:4])
	f.supersede(10)
	f.outage()
	f.bothWork()

	defer func() {
		if t.Failed() && len(f.left) > 0 {
			t.Logf("%d problems left, first: %q", len(f.left), f.left[:min(len(f.left), 10)])
		}
	}()
	waitUntil(t, 240*time.Second, "every repository's pull requests", func() bool {
		f.left = fleetState(f.gh, f.fleet, f.closed)
		return len(f.left) == 0
	})
	drained := f.gate.lastWriteAt().Sub(began)
	states := f.drain()
	checkFleet(t, f.gh, f.fleet, f.closed)
	for i, p := range f.reps {
		if !p.alive() || p.status(t, "/healthz") != http.StatusOK || p.status(t, "/readyz") != http.StatusOK {
			t.Errorf("replica %d is not healthy and ready at the end (alive %v)", i, p.alive())
		}
	}
	var retried, retries, total int
	if err := f.db.QueryRow(`SELECT count(*) FILTER (WHERE coalesce(array_length(errors, 1), 0) > 0), coalesce(sum(array_length(errors, 1)), 0), count(*)
		FROM river_job WHERE kind = 'bumpbot_reconcile_repo'`).Scan(&retried, &retries, &total); err != nil {
		t.Fatal(err)
	}
	at3, at2 := f.versions()
	t.Logf("drained in %.1fs (first delivery to the last write on GitHub; %d pull requests when replica 0 was killed, a %v outage); "+
		"%d reconcile jobs, %d retried (%d failed attempts: errors and rescues); %d pull requests at version 3, open ones at 2: %q; jobs %v",
		drained.Seconds(), killedAt, outage, total, retried, retries, at3, at2, states)

	f.moveOneLayer("alpha", 4)
}

// fleetRun is one run of the fault test: the fakes, the database, the
// replicas, and what the phases leave for the checks.
type fleetRun struct {
	t       *testing.T
	gh      *ghapptest.Server
	lambda  *layerstest.Server
	gate    *pullGate
	cluster *jobstest.Cluster
	db      *sql.DB
	env     *serveEnv
	fleet   []fleetRepo
	byInst  map[int64][]string
	reps    []*serveProc
	// closed holds the repositories whose pull request a person made
	// needless (supersede).
	closed map[string]bool
	// left is what fleetState last found not yet as it must end.
	left []string
}

// delivery is a webhook as GitHub sends it, kept to send it again.
type delivery struct {
	event, id string
	payload   any
}

// newFleetRun starts the database, the fakes and two replicas.
func newFleetRun(t *testing.T) *fleetRun {
	cluster := jobstest.Private(t)
	dbURL := cluster.NewDatabase(t)
	f := &fleetRun{t: t, gh: ghapptest.New(t, serveApp), lambda: layerstest.New(t), gate: newPullGate(), cluster: cluster,
		fleet: newFleet(), byInst: map[int64][]string{}, closed: map[string]bool{}}
	f.gh.Intercept(f.gate.intercept)
	f.lambda.AddCaller(fleetKey, fleetAccount)
	publishFleet(t, f.lambda, 1)
	publishFleet(t, f.lambda, 2)
	for _, r := range f.fleet {
		f.gh.CreateRepo(t, r.name, "main", map[string]string{"main.tf": r.tf(1)})
		f.gh.AddInstallation(r.inst, r.name)
		f.byInst[r.inst] = append(f.byInst[r.inst], r.name)
	}
	awsDir := t.TempDir()
	f.env = &serveEnv{bin: buildBumpbot(t), gh: f.gh, args: []string{"--registry", "aws"}, env: []string{
		"BUMPBOT_DATABASE_URL=" + dbURL, "BUMPBOT_AWS_EVENTS_TOKEN=" + fleetToken,
		// Only the events ask for reconciles.
		"BUMPBOT_POLL_INTERVAL=0", "BUMPBOT_LAYER_POLL_INTERVAL=0",
		// A killed replica's jobs run again within a minute or so (the
		// delay plus River's rescuer period), not after the default 6m.
		"BUMPBOT_JOB_TIMEOUT=20s", "BUMPBOT_RESCUE_AFTER=24s",
		// Writes are paced through the shared database as in production
		// (an advisory lock per installation, held by whichever replica
		// writes), at limits the test's 200 repositories drain within.
		"BUMPBOT_WRITE_LIMITS=1000/1s,20000/1m",
		"AWS_ENDPOINT_URL_LAMBDA=" + f.lambda.URL, "AWS_ACCESS_KEY_ID=" + fleetKey, "AWS_SECRET_ACCESS_KEY=secret",
		"AWS_SESSION_TOKEN=", "AWS_PROFILE=", "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true",
		"AWS_CONFIG_FILE=" + filepath.Join(awsDir, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(awsDir, "credentials"),
	}}
	f.reps = []*serveProc{f.start(), f.start()}
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f.db = db
	return f
}

// start starts a replica; each caches layer inventories on a disk of its
// own.
func (f *fleetRun) start() *serveProc { return f.env.start(f.t, "XDG_CACHE_HOME="+f.t.TempDir()) }

// deliverAll sends the installations' repositories in batches of ten,
// each batch a delivery to one replica or the other, as a load balancer
// spreads them, and a push for every fifth repository. It returns the
// batches.
func (f *fleetRun) deliverAll() []delivery {
	var out []delivery
	for _, inst := range []int64{7, 8} {
		names := f.byInst[inst]
		for i := 0; i < len(names); i += 10 {
			d := delivery{"installation_repositories", fmt.Sprintf("inst-%d-%d", inst, i), installationPayload("added", inst, names[i:i+10]...)}
			if i == 0 {
				d = delivery{"installation", fmt.Sprintf("inst-%d", inst), installationPayload("created", inst, names[i:i+10]...)}
			}
			out = append(out, d)
		}
	}
	for i, d := range out {
		f.reps[i%2].deliver(f.t, d.event, d.id, d.payload)
	}
	for i, r := range f.fleet {
		if i%5 == 0 {
			f.reps[i%2].deliver(f.t, "push", fmt.Sprintf("push-%d", i), pushPayload(f.gh, r.inst, r.name))
		}
	}
	return out
}

// killMidway kills replica 0 once 40 pull requests are open, while every
// worker of both replicas (4 each) is held on its way to a pull request,
// and returns how many pull requests there were.
func (f *fleetRun) killMidway() int {
	t := f.t
	waitUntil(t, 120*time.Second, "40 pull requests", func() bool { return countPulls(f.gh, f.fleet) >= 40 })
	f.gate.shutNow()
	waitUntil(t, 120*time.Second, "8 reconciles held before their pull request", func() bool { return f.gate.holding() >= 8 })
	f.reps[0].kill(t)
	f.gate.release()
	return countPulls(f.gh, f.fleet)
}

// publishWhileDown moves every layer to version 3; the publish events
// reach the replica left.
func (f *fleetRun) publishWhileDown() {
	publishFleet(f.t, f.lambda, 3)
	for _, l := range fleetLayers {
		if status, body := f.reps[1].postAWS(f.t, "publish-"+l, l, 3); status != http.StatusAccepted {
			f.t.Fatalf("publish event of %s: %d %s", l, status, body)
		}
	}
}

// redeliver sends the publish events and some webhooks again to the
// restarted replica, as EventBridge and GitHub deliver at least once:
// they change nothing.
func (f *fleetRun) redeliver(ds []delivery) {
	t := f.t
	for _, l := range fleetLayers {
		if status, body := f.reps[0].postAWS(t, "publish-"+l, l, 3); status != http.StatusOK || body != "duplicate event" {
			t.Errorf("redelivered publish event of %s: %d %s, want 200 duplicate event", l, status, body)
		}
	}
	for _, d := range ds {
		if status, body := f.reps[0].post(t, d.event, d.id, d.payload); status != http.StatusOK || !strings.Contains(body, "duplicate") {
			t.Errorf("redelivery %s: %d %s, want 200 duplicate", d.id, status, body)
		}
	}
}

// supersede has a person move the pin of n repositories with one layer
// and a pull request past it, and the push reach both replicas: the pull
// request must be closed with one comment, however many reconciles see it.
func (f *fleetRun) supersede(n int) {
	t := f.t
	for i, r := range f.fleet {
		if len(f.closed) == n {
			return
		}
		if len(r.layers) != 1 || len(f.gh.Pulls(r.name)) != 1 {
			continue
		}
		f.closed[r.name] = true
		f.gh.Push(t, r.name, "main", map[string]string{"main.tf": r.tf(3)}, "move the layer by hand")
		id := fmt.Sprintf("manual-%d", i)
		f.reps[i%2].deliver(t, "push", id, pushPayload(f.gh, r.inst, r.name))
		if status, _ := f.reps[(i+1)%2].post(t, "push", id, pushPayload(f.gh, r.inst, r.name)); status != http.StatusOK {
			t.Errorf("push %s delivered to the other replica too: %d, want 200 (duplicate)", id, status)
		}
	}
}

// outage stops PostgreSQL, with work in flight, for the outage: both
// replicas stay alive and healthy but not ready, a webhook is refused
// with a 5xx; afterwards both are ready again by themselves and take the
// redelivery.
func (f *fleetRun) outage() {
	t := f.t
	before := countJobStates(t, f.db)
	downAt := time.Now()
	if err := f.cluster.Down(); err != nil {
		t.Fatal(err)
	}
	ready := func(want bool) func() bool {
		return func() bool {
			return (f.reps[0].status(t, "/readyz") == http.StatusOK) == want && (f.reps[1].status(t, "/readyz") == http.StatusOK) == want
		}
	}
	waitUntil(t, 60*time.Second, "/readyz to fail on both replicas", ready(false))
	refused := f.fleet[1]
	if status, body := f.reps[1].post(t, "push", "during-outage", pushPayload(f.gh, refused.inst, refused.name)); status < 500 {
		t.Errorf("webhook with the database down: %d %s, want a 5xx GitHub redelivers", status, body)
	}
	for i, p := range f.reps {
		if got := p.status(t, "/healthz"); got != http.StatusOK || !p.alive() {
			t.Errorf("replica %d with the database down: /healthz %d, alive %v; want 200, alive", i, got, p.alive())
		}
	}
	time.Sleep(time.Until(downAt.Add(outage)))
	for i, p := range f.reps {
		if got := p.status(t, "/readyz"); got == http.StatusOK {
			t.Errorf("replica %d: /readyz %d at the end of the outage, want a failure", i, got)
		}
	}
	if err := f.cluster.Up(); err != nil {
		t.Fatal(err)
	}
	upAt := time.Now()
	waitUntil(t, 120*time.Second, "/readyz to pass again on both replicas", ready(true))
	t.Logf("jobs %v when PostgreSQL stopped; both replicas ready again %.1fs after it came back", before, time.Since(upAt).Seconds())
	f.reps[1].deliver(t, "push", "during-outage", pushPayload(f.gh, refused.inst, refused.name))
}

// bothWork sends more pushes until each replica has reconciled a
// repository since the database came back: both work the queue again.
func (f *fleetRun) bothWork() {
	marks := []int{len(f.reps[0].output()), len(f.reps[1].output())}
	k := 0
	waitUntil(f.t, 120*time.Second, "both replicas to reconcile after the outage", func() bool {
		if k%40 == 0 {
			r := f.fleet[(k/40)%fleetSize]
			f.reps[(k/40)%2].deliver(f.t, "push", fmt.Sprintf("after-%d", k), pushPayload(f.gh, r.inst, r.name))
		}
		k++
		return strings.Contains(f.reps[0].output()[marks[0]:], `"msg":"reconciled"`) && strings.Contains(f.reps[1].output()[marks[1]:], `"msg":"reconciled"`)
	})
}

// drain waits until no reconcile job is left to run, checks none was
// given up, and returns the jobs by state.
func (f *fleetRun) drain() map[string]int {
	var states map[string]int
	waitUntil(f.t, 240*time.Second, "the job queue to drain", func() bool {
		states = countJobStates(f.t, f.db)
		return unfinished(states) == 0
	})
	if states["discarded"]+states["cancelled"] != 0 {
		f.t.Errorf("jobs %v: some were given up", states)
	}
	return states
}

// versions counts the pull requests at version 3 and names the open ones
// left at 2. One left at 2 is legitimate (its repository was being
// reconciled, not yet in the layer index, when the publish event came:
// the next layer poll or event moves it), but worth seeing.
func (f *fleetRun) versions() (at3 int, at2 []string) {
	for _, r := range f.fleet {
		for _, p := range f.gh.Pulls(r.name) {
			switch {
			case strings.HasSuffix(p.Title, " to 3"):
				at3++
			case p.State == "open":
				at2 = append(at2, r.name+" "+p.Head)
			}
		}
	}
	return at3, at2
}

// moveOneLayer publishes version v of layer, its event reaching one
// replica: every open pull request of the layer moves to it, whichever
// replica reconciles the repository (each caches layer listings for
// minutes).
func (f *fleetRun) moveOneLayer(layer string, v int) {
	t := f.t
	publishLayer(t, f.lambda, layer, v)
	if status, body := f.reps[0].postAWS(t, fmt.Sprintf("publish-%s-%d", layer, v), layer, v); status != http.StatusAccepted {
		t.Fatalf("publish event of %s %d: %d %s", layer, v, status, body)
	}
	var stale []string
	defer func() {
		if t.Failed() {
			t.Logf("%d pull requests not moved to %s %d: %q", len(stale), layer, v, stale[:min(len(stale), 10)])
		}
	}()
	suffix := fmt.Sprintf(" to %d", v)
	waitUntil(t, 120*time.Second, fmt.Sprintf("every %s pull request to move to %d", layer, v), func() bool {
		stale = stale[:0]
		for _, r := range f.fleet {
			for _, p := range f.gh.Pulls(r.name) {
				if !f.closed[r.name] && p.Head == "bumpbot/"+layer && !strings.HasSuffix(p.Title, suffix) {
					stale = append(stale, r.name)
				}
			}
		}
		return len(stale) == 0
	})
}
