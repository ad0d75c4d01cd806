package fleet_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/fleet"
	"github.com/bumpbot/bumpbot/internal/ghapp"
	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/repostate"
	"github.com/bumpbot/bumpbot/internal/repostate/repostatetest"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/testtool"
)

// signInFleet is a fleet view with sign-in over a fake GitHub that holds
// acme/alpha and acme/bravo in one installation and widgets/gadget in
// another; alice can access acme/alpha only, bob everything.
type signInFleet struct {
	URL   string
	GH    *ghapptest.Server
	Logs  *testtool.Buffer
	Store *repostate.Store
}

func newSignInFleet(t *testing.T) signInFleet {
	t.Helper()
	ctx := context.Background()
	st := repostatetest.Open(t)
	must(t, st.ReplacePins(ctx, 1, "acme/alpha", []ref.Reference{pin("main.tf", 3, "us-east-1", "node-utils", 10), pin("sam.yaml", 7, "us-east-1", "pandas", 2)}))
	must(t, st.ReplacePins(ctx, 1, "acme/bravo", []ref.Reference{pin("infra/main.tf", 12, "us-east-1", "node-utils", 14), pin("fn.tf", 2, "us-east-1", "bravo-only", 1)}))
	must(t, st.ReplacePins(ctx, 2, "widgets/gadget", []ref.Reference{pin("x.tf", 1, "eu-west-1", "node-utils", 9)}))
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	must(t, st.SetNewest(ctx, repostate.Newest{Account: "123456789012", Layer: "node-utils", Region: "us-east-1", Version: 14, CheckedAt: now}))
	must(t, st.SetNewest(ctx, repostate.Newest{Account: "123456789012", Layer: "node-utils", Region: "eu-west-1", Version: 11, CheckedAt: now}))

	gh := ghapptest.New(t, 7)
	for _, n := range []string{"acme/alpha", "acme/bravo", "widgets/gadget"} {
		gh.CreateRepo(t, n, "main", map[string]string{"README.md": "x"})
	}
	gh.AddInstallation(1, "acme/alpha", "acme/bravo")
	gh.AddInstallation(2, "widgets/gadget")
	gh.AddUser("alice", "acme/alpha")
	gh.AddUser("bob", "acme/alpha", "acme/bravo", "widgets/gadget")

	// The bot's pull request moving alpha's node-utils pin, and a
	// developer's pull request, which is not the bot's.
	gh.Push(t, "acme/alpha", "bumpbot/node-utils", map[string]string{"main.tf": "v14"}, "bump")
	gh.OpenPull(t, "acme/alpha", "bumpbot/node-utils", "Bump node-utils layer from 10 to 14", "changelog", time.Now().Add(-73*time.Hour))
	gh.Push(t, "acme/alpha", "feature", map[string]string{"x": "y"}, "work")
	gh.OpenPull(t, "acme/alpha", "feature", "Bump node-utils layer by hand", "", time.Now())
	app, err := ghapp.NewApp(ghapp.Config{AppID: 7, PrivateKey: gh.PrivateKeyPEM, BaseURL: gh.URL})
	if err != nil {
		t.Fatal(err)
	}

	logs := &testtool.Buffer{}
	h := fleet.NewHandler(st, "fleet-token-value", nil)
	h.Pulls = fleet.GitHubPulls{App: app}
	if err := h.EnableSignIn(fleet.SignIn{ClientID: "Iv1.client", ClientSecret: "client-secret-value", GitHubURL: gh.URL,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	gh.SetOAuthApp("Iv1.client", "client-secret-value", srv.URL+"/fleet/callback")
	return signInFleet{URL: srv.URL, GH: gh, Logs: logs, Store: st}
}

// browser is an HTTP client with a cookie jar, as a browser.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

// signIn goes from page through GitHub's authorize page as login, and
// returns the page it lands on.
func (f signInFleet) signIn(t *testing.T, c *http.Client, page, login string) (*http.Response, string) {
	t.Helper()
	resp, _ := fetch(t, c, f.URL+page)
	authz := resp.Request.URL
	if !strings.HasPrefix(authz.String(), f.GH.URL+"/login/oauth/authorize?") {
		t.Fatalf("%s led to %s, not GitHub's authorize page", page, authz)
	}
	q := authz.Query()
	if q.Get("client_id") != "Iv1.client" || len(q.Get("state")) < 32 {
		t.Fatalf("authorize URL %s", authz)
	}
	resp, err := c.PostForm(f.GH.URL+"/login/oauth/authorize", url.Values{"client_id": {q.Get("client_id")}, "state": {q.Get("state")}, "login": {login}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func fetch(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// A person with access to acme/alpha only never sees acme/bravo nor
// widgets/gadget: not in any page or JSON twin, not by a filter, not by
// a direct URL (404, as for a repository that does not exist), not by a
// layer only bravo pins.
func TestSignInSeesOnlyAccessibleRepositories(t *testing.T) {
	t.Parallel()
	f := newSignInFleet(t)
	c := browser(t)
	resp, body := f.signIn(t, c, "/fleet/repos/acme/alpha", "alice")
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/fleet/repos/acme/alpha" || !strings.Contains(body, "signed in as <strong>alice</strong>") {
		t.Fatalf("after sign-in: %d at %s\n%s", resp.StatusCode, resp.Request.URL, body)
	}
	hidden := []string{"bravo", "widgets", "gadget"}
	// Each view, with what alice must see there.
	for path, want := range map[string]string{
		"/fleet": "acme/alpha", "/fleet?org=acme": "acme/alpha", "/fleet?status=behind": "acme/alpha",
		"/fleet?layer=node-utils": "acme/alpha", "/fleet?org=widgets": "No pins match",
		"/fleet/layers/node-utils": "acme/alpha", "/fleet/layers/pandas": "sam.yaml:7",
		"/fleet/repos/acme/alpha": "main.tf:3", "/fleet/repos/ACME/Alpha": "main.tf:3",
		"/api/fleet/pins": `"repository": "acme/alpha"`, "/api/fleet/pins?org=acme": `"repository": "acme/alpha"`,
		"/api/fleet/layers": `"layer": "pandas"`, "/api/fleet/layers/node-utils": `"repository": "acme/alpha"`,
		"/api/fleet/repos/acme/alpha": `"file": "sam.yaml"`,
	} {
		resp, body := fetch(t, c, f.URL+path)
		if resp.StatusCode != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d, want %q in\n%s", path, resp.StatusCode, want, body)
		}
		for _, h := range hidden {
			if strings.Contains(body, h) {
				t.Errorf("%s shows %q to alice:\n%s", path, h, body)
			}
		}
	}
	for _, path := range []string{"/fleet/repos/acme/bravo", "/api/fleet/repos/acme/bravo", "/fleet/repos/widgets/gadget",
		"/fleet/layers/bravo-only", "/api/fleet/layers/bravo-only", "/fleet/repos/acme/nonexistent"} {
		if resp, body := fetch(t, c, f.URL+path); resp.StatusCode != 404 || strings.Contains(body, "bravo-only") && !strings.Contains(path, "bravo-only") {
			t.Errorf("%s: %d, want 404\n%s", path, resp.StatusCode, body)
		}
	}
	// The one-layer and one-repository views link the bot's pull request
	// moving the pin, with its age; not the developer's.
	for _, path := range []string{"/fleet/layers/node-utils", "/fleet/repos/acme/alpha"} {
		if _, body := fetch(t, c, f.URL+path); !strings.Contains(body, `<a href="https://github.example/acme/alpha/pull/1">#1</a>, open 3 days`) ||
			strings.Contains(body, "pull/2") {
			t.Errorf("%s: no link to the bot's pull request #1:\n%s", path, body)
		}
	}
	if _, body := fetch(t, c, f.URL+"/api/fleet/repos/acme/alpha"); !strings.Contains(body, `"url": "https://github.example/acme/alpha/pull/1"`) ||
		!strings.Contains(body, `"age": "3 days"`) || strings.Contains(body, "pull/2") {
		t.Errorf("repository twin without the pull request:\n%s", body)
	}
	// Counts are over alice's rows only: node-utils in one repository.
	if _, body := fetch(t, c, f.URL+"/api/fleet/layers/node-utils"); !strings.Contains(body, `"repositories": 1`) || !strings.Contains(body, `"region": "eu-west-1"`) {
		t.Errorf("layer twin:\n%s", body)
	}

	// bob sees all three; the fleet token still reads everything.
	_, body = f.signIn(t, browser(t), "/fleet", "bob")
	for _, want := range []string{"acme/alpha", "acme/bravo", "widgets/gadget"} {
		if !strings.Contains(body, want) {
			t.Errorf("bob does not see %s", want)
		}
	}
	if code, body := get(t, f.URL+"/api/fleet/pins", "Bearer fleet-token-value"); code != 200 || !strings.Contains(body, "acme/bravo") {
		t.Errorf("token: %d\n%s", code, body)
	}
}

// The session is signed HttpOnly, SameSite=Lax cookies (not Secure on
// loopback) that hold no token; a tampered one is no session; sign-out
// ends it; a callback whose state is not this browser's is refused; no
// token reaches the logs.
func TestSignInSession(t *testing.T) {
	t.Parallel()
	f := newSignInFleet(t)
	c := browser(t)
	// Without a session, pages go to the sign-in and the API says 401.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, _ := fetch(t, noRedirect, f.URL+"/fleet/layers/pandas?org=acme"); resp.StatusCode != 303 ||
		resp.Header.Get("Location") != "/fleet/login?next=%2Ffleet%2Flayers%2Fpandas%3Forg%3Dacme" {
		t.Errorf("page without session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := fetch(t, noRedirect, f.URL+"/api/fleet/pins"); resp.StatusCode != 401 {
		t.Errorf("API without session: %d", resp.StatusCode)
	}
	// Login goes to GitHub with a state bound to a cookie.
	resp, _ := fetch(t, noRedirect, f.URL+"/fleet/login?next=https://evil.example/")
	if resp.StatusCode != 302 || !strings.HasPrefix(resp.Header.Get("Location"), f.GH.URL+"/login/oauth/authorize?") {
		t.Fatalf("login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	checkCookies(t, resp, "bumpbot_oauth")
	// A callback with a state from elsewhere is refused, code or not.
	if resp, _ := fetch(t, c, f.URL+"/fleet/callback?code=x&state=forged"); resp.StatusCode != 400 {
		t.Errorf("callback without this browser's state: %d", resp.StatusCode)
	}
	resp, body := f.signIn(t, c, "/fleet/login?next=https://evil.example/", "alice")
	if resp.Request.URL.String() != f.URL+"/fleet" {
		t.Errorf("next outside the fleet led to %s", resp.Request.URL)
	}
	if !strings.Contains(body, "acme/alpha") {
		t.Errorf("after sign-in:\n%s", body)
	}
	if f.GH.OAuthExchanges() != 1 {
		t.Errorf("%d code exchanges, want 1", f.GH.OAuthExchanges())
	}
	u, _ := url.Parse(f.URL)
	cookies := c.Jar.Cookies(u)
	toks := f.GH.UserTokens()
	if len(toks) != 1 {
		t.Fatalf("user tokens %v", toks)
	}
	for _, ck := range cookies {
		if strings.Contains(ck.Value, toks[0]) {
			t.Errorf("cookie %s holds the user's token", ck.Name)
		}
	}
	if strings.Contains(f.Logs.String(), toks[0]) || strings.Contains(f.Logs.String(), "client-secret-value") || !strings.Contains(f.Logs.String(), `"user":"alice"`) {
		t.Errorf("logs:\n%s", f.Logs.String())
	}
	// A tampered session (alice adding bravo to her list) is no session.
	var sess *http.Cookie
	for _, ck := range cookies {
		if ck.Name == "bumpbot_fleet" {
			sess = ck
		}
	}
	if sess == nil {
		t.Fatalf("no session cookie among %v", cookies)
	}
	payload, sig, _ := strings.Cut(sess.Value, ".")
	forged := browser(t)
	forged.Jar.SetCookies(u, []*http.Cookie{{Name: "bumpbot_fleet", Value: payload + "A." + sig}})
	if code, _ := getWith(t, forged, f.URL+"/api/fleet/pins"); code != 401 {
		t.Errorf("tampered session: %d", code)
	}
	// Sign-out ends the session.
	if resp, _ := fetch(t, c, f.URL+"/fleet/logout"); resp.StatusCode != 200 {
		t.Errorf("logout: %d", resp.StatusCode)
	}
	if code, _ := getWith(t, c, f.URL+"/api/fleet/pins"); code != 401 {
		t.Errorf("after logout: %d", code)
	}
}

// checkCookies asserts the attributes of the named cookie resp sets.
func checkCookies(t *testing.T, resp *http.Response, name string) {
	t.Helper()
	for _, ck := range resp.Cookies() {
		if ck.Name != name {
			continue
		}
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || ck.Expires.IsZero() {
			t.Errorf("cookie %s: HttpOnly %v SameSite %v Secure %v Expires %v", ck.Name, ck.HttpOnly, ck.SameSite, ck.Secure, ck.Expires)
		}
		return
	}
	t.Errorf("no cookie %s in %v", name, resp.Header["Set-Cookie"])
}

func getWith(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, body := fetch(t, c, u)
	return resp.StatusCode, body
}
