package server_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/reconcile/reconciletest"
)

// publishEvent is the EventBridge event of a PublishLayerVersion call, as
// an API destination POSTs it.
func publishEvent(id, arn string) string {
	return fmt.Sprintf(`{"version":"0","id":%q,"detail-type":"AWS API Call via CloudTrail","source":"aws.lambda",
"account":"123456789012","time":"2026-12-03T10:00:00Z","region":"us-east-1","resources":[],
"detail":{"eventSource":"lambda.amazonaws.com","eventName":"PublishLayerVersion20181031","awsRegion":"us-east-1",
"requestParameters":{"layerName":"mylayer"},"responseElements":{"layerVersionArn":%q,"version":4}}}`, id, arn)
}

func deleteEvent(id string, version int) string {
	return fmt.Sprintf(`{"version":"0","id":%q,"detail-type":"AWS API Call via CloudTrail","source":"aws.lambda",
"account":"123456789012","region":"us-east-1","detail":{"eventName":"DeleteLayerVersion20181031","awsRegion":"us-east-1",
"requestParameters":{"layerName":"mylayer","versionNumber":%d},"responseElements":null}}`, id, version)
}

func postAWS(t *testing.T, url, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/webhooks/aws", strings.NewReader(body))
	if token != "" {
		req.Header.Set("X-Bumpbot-Token", token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// A publish event for a layer pinned by 3 of 5 repositories reconciles
// those 3 (each gets its pull request) and no other; a duplicate event
// does nothing; a wrong token is refused; a delete event concerns the
// repositories pinned to the deleted version.
func TestAWSPublishEvent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.awsToken = "aws-events-token-value"
	regRoot := t.TempDir()
	reconciletest.Publish(t, regRoot, "us-east-1", account, "mylayer", 3)
	reconciletest.Publish(t, regRoot, "us-east-1", account, "other", 1)
	e.reg = openDirRegistry(t, regRoot)
	other := strings.Replace(mainTF, "mylayer:3", "other:1", 1)
	repos := map[string]string{"acme/p1": mainTF, "acme/p2": mainTF, "acme/p3": mainTF, "acme/o4": other, "acme/n5": "# nothing\n"}
	var names []string
	for name, tf := range repos {
		e.gh.CreateRepo(t, name, "main", map[string]string{"main.tf": tf})
		e.gh.AddInstallation(inst, name)
		names = append(names, name)
	}
	srv := e.start(t, 5*time.Second)
	// The installation's reconciles fill the layer index; nothing to bump yet.
	install(t, srv.url, "del-aws-1", inst, names...)
	waitFor(t, "6 reconciles", func() bool { return strings.Count(e.logs.String(), `"msg":"reconciled"`) >= 5 })

	if status, _ := postAWS(t, srv.url, "wrong", publishEvent("ev-0", "arn:aws:lambda:us-east-1:123456789012:layer:mylayer:4")); status != 401 {
		t.Errorf("wrong token: %d, want 401", status)
	}
	if status, _ := postAWS(t, srv.url, e.awsToken, `{"id":"x","source":"aws.lambda","detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"PublishLayerVersion20181031"}}`); status != 400 {
		t.Errorf("publish without its ARN: %d, want 400", status)
	}
	if status, _ := postAWS(t, srv.url, e.awsToken, `{"id":"y","source":"aws.ec2","detail-type":"EC2 Instance State-change Notification","detail":{}}`); status != 202 {
		t.Errorf("other event: %d, want 202", status)
	}

	reconciletest.Publish(t, regRoot, "us-east-1", account, "mylayer", 4)
	before := strings.Count(e.logs.String(), `"msg":"reconciled"`)
	status, body := postAWS(t, srv.url, e.awsToken, publishEvent("ev-1", "arn:aws:lambda:us-east-1:123456789012:layer:mylayer:4"))
	if status != 202 || body != "queued 3 reconciles" {
		t.Fatalf("publish event: %d %q", status, body)
	}
	for _, name := range []string{"acme/p1", "acme/p2", "acme/p3"} {
		waitFor(t, name+" PR", func() bool { return len(e.gh.Pulls(name)) == 1 })
	}
	waitFor(t, "3 reconciles", func() bool { return strings.Count(e.logs.String(), `"msg":"reconciled"`) >= before+3 })
	// The event names the layer: the other two are not read at all.
	for _, name := range []string{"acme/o4", "acme/n5"} {
		if n := strings.Count(e.logs.String(), `"repo":"`+name+`","candidates"`); n != 1 {
			t.Errorf("%s reconciled %d times, want once (at installation)", name, n)
		}
	}
	if len(e.gh.Pulls("acme/o4")) != 0 || len(e.gh.Pulls("acme/n5")) != 0 {
		t.Error("a repository not pinning the layer got a pull request")
	}
	if status, body := postAWS(t, srv.url, e.awsToken, publishEvent("ev-1", "arn:aws:lambda:us-east-1:123456789012:layer:mylayer:4")); status != 200 || body != "duplicate event" {
		t.Errorf("duplicate event: %d %q", status, body)
	}
	// Version 3 deleted: the three repositories still pin it on their
	// default branch.
	if status, body := postAWS(t, srv.url, e.awsToken, deleteEvent("ev-2", 3)); status != 202 || body != "queued 3 reconciles" {
		t.Errorf("delete event: %d %q", status, body)
	}
	if status, body := postAWS(t, srv.url, e.awsToken, deleteEvent("ev-3", 9)); status != 202 || body != "queued 0 reconciles" {
		t.Errorf("delete of a version nobody pins: %d %q", status, body)
	}
	// /metrics counts the events by outcome and the index's size.
	resp, err := http.Get(srv.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`bumpbot_aws_events_total{outcome="queued"} 3`, `bumpbot_aws_events_total{outcome="duplicate"} 1`,
		`bumpbot_aws_events_total{outcome="unauthorized"} 1`, "bumpbot_layer_index_pins 4", "bumpbot_layer_index_layers 2"} {
		if !strings.Contains(string(m), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// Without a token the endpoint does not exist.
func TestAWSEventsDisabled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := e.start(t, 5*time.Second)
	if status, _ := postAWS(t, srv.url, "anything", publishEvent("ev", "arn:aws:lambda:us-east-1:123456789012:layer:mylayer:4")); status != 404 {
		t.Errorf("disabled endpoint: %d, want 404", status)
	}
}

func openDirRegistry(t *testing.T, root string) layers.Registry {
	t.Helper()
	reg, err := layers.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// install delivers an installation (created) event for repos of
// installation id and checks it is queued.
func install(t testing.TB, url, delivery string, id int64, repos ...string) {
	t.Helper()
	var list []any
	for i, name := range repos {
		_, short, _ := strings.Cut(name, "/")
		list = append(list, map[string]any{"id": 100 + i, "name": short, "full_name": name})
	}
	payload := map[string]any{"action": "created", "installation": map[string]any{"id": id}, "repositories": list}
	if status, body := deliver(t, url, "installation", delivery, payload); status != 202 {
		t.Fatalf("installation webhook: %d %s", status, body)
	}
}

// A third-party layer sends no event: the poll per layer finds its new
// version and the repository gets its pull request without any webhook.
func TestLayerPollOpensPullRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.layerPoll = "1s"
	e.fleetToken = "fleet-token-value"
	regRoot := t.TempDir()
	reconciletest.Publish(t, regRoot, "us-east-1", account, "mylayer", 3)
	e.reg = openDirRegistry(t, regRoot)
	srv := e.start(t, 5*time.Second)
	install(t, srv.url, "del-lp", inst, repoN)
	waitFor(t, "the first reconcile", func() bool { return strings.Contains(e.logs.String(), `"msg":"reconciled"`) })
	if n := len(e.gh.Pulls(repoN)); n != 0 {
		t.Fatalf("%d pull requests before a new version", n)
	}
	reconciletest.Publish(t, regRoot, "us-east-1", account, "mylayer", 4)
	waitFor(t, "the pull request from the layer poll", func() bool { return len(e.gh.Pulls(repoN)) == 1 })
	if !strings.Contains(e.logs.String(), `"msg":"layer poll"`) {
		t.Error("no layer poll logged")
	}
	// The fleet view shows the pin behind the newest version the poll saw,
	// once the reconcile the poll asked for has indexed its verdict (a
	// moment after its pull request).
	var status int
	var body []byte
	waitFor(t, "the fleet view to show the pin behind", func() bool {
		req, _ := http.NewRequest("GET", srv.url+"/api/fleet/pins", nil)
		req.Header.Set("Authorization", "Bearer fleet-token-value")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		status = resp.StatusCode
		return strings.Contains(string(body), `"status": "behind"`)
	})
	if status != 200 || !strings.Contains(string(body), `"repository": "acme/infra"`) || !strings.Contains(string(body), `"newest": 4`) {
		t.Errorf("fleet pins %d:\n%s", status, body)
	}
}
