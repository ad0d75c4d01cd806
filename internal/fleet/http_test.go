package fleet_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/fleet"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/repostate/repostatetest"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// pin is a reference to version v of layer in account 123456789012.
func pin(file string, line int, region, layer string, v int) ref.Reference {
	return ref.Reference{Pos: ref.Pos{File: file, Line: line}, Partition: "aws", Region: region, Account: "123456789012", Layer: layer, Version: &v}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func state(t *testing.T) *repostate.Store {
	t.Helper()
	ctx := context.Background()
	s := repostatetest.Open(t)
	must := func(err error) { t.Helper(); must(t, err) }
	must(s.ReplacePins(ctx, 1, "acme/api", []ref.Reference{pin("main.tf", 3, "us-east-1", "node-utils", 10), pin("sam.yaml", 7, "${AWS::Region}", "pandas", 2)}))
	must(s.ReplacePins(ctx, 1, "acme/jobs", []ref.Reference{pin("main.tf", 1, "us-east-1", "node-utils", 14)}))
	must(s.ReplacePins(ctx, 2, "other/<script>", []ref.Reference{pin("x.sh", 1, "us-east-1", "gone", 4)}))
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	must(s.SetNewest(ctx, repostate.Newest{Account: "123456789012", Layer: "node-utils", Region: "us-east-1", Version: 14, CheckedAt: now}))
	must(s.SetNewest(ctx, repostate.Newest{Account: "123456789012", Layer: "pandas", Region: "eu-west-1", Version: 3, CheckedAt: now}))
	must(s.ReplaceProblems(ctx, 2, "other/<script>", nil, []problem.Problem{problem.Newf(problem.DeletedPin, "x.sh", 1, 3, "pinned version 4 does not exist")}, now))
	return s
}

func get(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The fleet view: every pin with its status, worst first, per repository
// and per layer, in HTML and JSON, only with the fleet token.
func TestFleetView(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(fleet.NewHandler(state(t), "fleet-token-value", []string{"eu-west-1"}))
	defer srv.Close()
	for _, auth := range []string{"", "Bearer wrong"} {
		if code, _ := get(t, srv.URL+"/api/fleet/pins", auth); code != 401 {
			t.Errorf("auth %q: %d, want 401", auth, code)
		}
	}
	bearer := "Bearer fleet-token-value"
	code, body := get(t, srv.URL+"/api/fleet/pins", bearer)
	var got struct {
		Pins    []fleet.Row   `json:"pins"`
		Summary fleet.Summary `json:"summary"`
	}
	if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil {
		t.Fatalf("%d %v\n%s", code, err, body)
	}
	var rows []string
	for _, r := range got.Pins {
		rows = append(rows, string(r.Status)+" "+r.Repository+" "+r.Layer)
	}
	want := "deleted other/<script> gone|behind acme/api node-utils|behind acme/api pandas|current acme/jobs node-utils"
	if strings.Join(rows, "|") != want {
		t.Errorf("rows %v, want %s", rows, want)
	}
	if got.Summary.Pins != 4 || got.Summary.Repositories != 3 {
		t.Errorf("summary %+v", got.Summary)
	}
	// Filters, the per-layer twin, one repository.
	if _, body := get(t, srv.URL+"/api/fleet/pins?status=behind&org=acme", bearer); strings.Count(body, `"status": "behind"`) != 2 || strings.Contains(body, "current") {
		t.Errorf("filtered:\n%s", body)
	}
	if _, body := get(t, srv.URL+"/api/fleet/layers", bearer); !strings.Contains(body, `"layer": "node-utils"`) || !strings.Contains(body, `"repositories": 2`) {
		t.Errorf("layers:\n%s", body)
	}
	if _, body := get(t, srv.URL+"/api/fleet/repos/other/%3Cscript%3E", bearer); !strings.Contains(body, `"kind": "deleted-pin"`) {
		t.Errorf("repository twin:\n%s", body)
	}
	// A browser asks for the token as a password; names are escaped.
	req, _ := http.NewRequest("GET", srv.URL+"/fleet", nil)
	req.SetBasicAuth("me", "fleet-token-value")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Contains(string(page), "/<script>") || !strings.Contains(string(page), "other/&lt;script&gt;") ||
		!strings.Contains(string(page), "4 pins in 3 repositories") {
		t.Errorf("page %d:\n%s", resp.StatusCode, page)
	}
	if code, _ := get(t, srv.URL+"/fleet", ""); code != 401 {
		t.Errorf("page without token: %d", code)
	}
}
