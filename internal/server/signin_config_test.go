package server_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/server"
)

// Half the App's OAuth credentials, or a short session key, stop the
// start with the setting named: sign-in would otherwise be silently off,
// or its sessions forgeable by guessing the key.
func TestSignInConfig(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("k", 32)
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{name: "none"},
		{name: "both", env: map[string]string{"BUMPBOT_CLIENT_ID": "Iv1.x", "BUMPBOT_CLIENT_SECRET": "s"}},
		{name: "both and a key", env: map[string]string{"BUMPBOT_CLIENT_ID": "Iv1.x", "BUMPBOT_CLIENT_SECRET": "s", "BUMPBOT_SESSION_KEY": long}},
		{name: "id only", env: map[string]string{"BUMPBOT_CLIENT_ID": "Iv1.x"}, wantErr: "BUMPBOT_CLIENT_SECRET"},
		{name: "secret only", env: map[string]string{"BUMPBOT_CLIENT_SECRET": "s"}, wantErr: "BUMPBOT_CLIENT_ID"},
		{name: "short key", env: map[string]string{"BUMPBOT_CLIENT_ID": "Iv1.x", "BUMPBOT_CLIENT_SECRET": "s", "BUMPBOT_SESSION_KEY": "short"}, wantErr: "BUMPBOT_SESSION_KEY"},
	}
	for _, tc := range tests {
		_, err := server.LoadConfig("", envOf(tc.env))
		if (err != nil) != (tc.wantErr != "") || err != nil && !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: error %v, want one naming %q", tc.name, err, tc.wantErr)
		}
	}
}

// With the App's OAuth credentials and no fleet token, serve offers the
// fleet view through sign-in on the configured GitHub (here the fake, as
// a GitHub Enterprise Server would be): a page leads to its authorize
// page, and a signed-in person reads the JSON twins.
func TestServeFleetSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.clientID, e.clientSecret = "Iv1.serve", "serve-client-secret"
	srv := e.newServer(t, time.Second)
	t.Cleanup(func() { srv.Close() })
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e.gh.SetOAuthApp("Iv1.serve", "serve-client-secret", ts.URL+"/fleet/callback")
	e.gh.AddUser("carol", repoN)

	if resp, err := http.Get(ts.URL + "/api/fleet/pins"); err != nil || resp.StatusCode != 401 {
		t.Fatalf("API without a session: %v %v", resp, err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get(ts.URL + "/fleet")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	authz := resp.Request.URL
	if !strings.HasPrefix(authz.String(), e.gh.URL+"/login/oauth/authorize?") {
		t.Fatalf("/fleet led to %s, not the configured GitHub's authorize page", authz)
	}
	resp, err = c.PostForm(e.gh.URL+"/login/oauth/authorize", url.Values{"client_id": {"Iv1.serve"}, "state": {authz.Query().Get("state")}, "login": {"carol"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Request.URL.String() != ts.URL+"/fleet" || !strings.Contains(string(body), "signed in as <strong>carol</strong>") {
		t.Fatalf("after sign-in: %d at %s\n%s", resp.StatusCode, resp.Request.URL, body)
	}
	resp, err = c.Get(ts.URL + "/api/fleet/pins")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("API with a session: %v %v", resp, err)
	}
	resp.Body.Close()
}
