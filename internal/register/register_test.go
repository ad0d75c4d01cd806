package register_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot"
	"github.com/bumpbot/bumpbot/internal/ghapp/ghapptest"
	"github.com/bumpbot/bumpbot/internal/register"
	"github.com/bumpbot/bumpbot/internal/server"
)

// start runs a registration against the fake GitHub and returns the page
// URL and the outcome channel.
func start(t *testing.T, gh *ghapptest.Server, out string) (string, chan error) {
	t.Helper()
	ready := make(chan string, 1)
	errc := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	go func() {
		_, err := register.Run(ctx, register.Options{Manifest: bumpbot.AppManifest, APIURL: gh.URL, Org: "acme",
			WebhookURL: "https://bot.example/webhooks/github", Out: out, Ready: func(u string) { ready <- u }})
		errc <- err
	}()
	select {
	case u := <-ready:
		return u, errc
	case err := <-errc:
		t.Fatalf("register: %v", err)
	}
	return "", nil
}

func fetch(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The page posts the manifest (pointed at this deployment) to the org's
// new-App page with a state; GitHub's redirect with a wrong state is
// refused; the right one is exchanged for credentials written 0600 in the
// form serve reads.
func TestRegister(t *testing.T) {
	t.Parallel()
	gh := ghapptest.New(t, 4242)
	gh.AddManifestCode("good-code", "webhook-secret-from-github")
	out := filepath.Join(t.TempDir(), "bumpbot.yml")
	page, errc := start(t, gh, out)
	_, form := fetch(t, page)
	m := regexp.MustCompile(`action="([^"]+)\?state=([0-9a-f]+)"`).FindStringSubmatch(form)
	if m == nil || !strings.HasSuffix(m[1], "/organizations/acme/settings/apps/new") {
		t.Fatalf("form:\n%s", form)
	}
	for _, want := range []string{"https://bot.example/webhooks/github", page + "/callback", "&#34;default_events&#34;"} {
		if !strings.Contains(form, want) {
			t.Errorf("the form's manifest lacks %q:\n%s", want, form)
		}
	}
	if code, _ := fetch(t, page+"/callback?code=good-code&state=forged"); code != 400 {
		t.Errorf("wrong state: %d, want 400", code)
	}
	if gh.ManifestConversions() != 0 {
		t.Error("a wrong state reached GitHub")
	}
	if code, body := fetch(t, page+"/callback?code=good-code&state="+m[2]); code != 200 || !strings.Contains(body, "/installations/new") {
		t.Errorf("callback: %d\n%s", code, body)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(out)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v %v", info, err)
	}
	var cfg map[string]any
	b, _ := os.ReadFile(out)
	if err := yaml.Unmarshal(b, &cfg); err != nil || cfg["app_id"] != 4242 || cfg["webhook_secret"] != "webhook-secret-from-github" ||
		!strings.Contains(cfg["private_key"].(string), "PRIVATE KEY") || cfg["client_secret"] != "client-secret-value" {
		t.Errorf("credentials: %v %v", cfg, err)
	}
	// The file is what serve --config reads, as it is.
	if _, err := server.LoadConfig(out, func(string) string { return "" }); err != nil {
		t.Errorf("serve --config %s: %v", out, err)
	}
	// Never overwritten.
	if _, err := register.Run(context.Background(), register.Options{Manifest: bumpbot.AppManifest, APIURL: gh.URL, WebhookURL: "https://x", Out: out}); err == nil || !strings.Contains(err.Error(), "not overwritten") {
		t.Errorf("existing file: %v", err)
	}
}

// An expired (or already used) code fails the registration and writes
// nothing.
func TestRegisterExpiredCode(t *testing.T) {
	t.Parallel()
	gh := ghapptest.New(t, 4242)
	out := filepath.Join(t.TempDir(), "bumpbot.yml")
	page, errc := start(t, gh, out)
	_, form := fetch(t, page)
	state := regexp.MustCompile(`state=([0-9a-f]+)`).FindStringSubmatch(form)[1]
	if code, _ := fetch(t, page+"/callback?code=expired&state="+state); code != 502 {
		t.Errorf("expired code: %d, want 502", code)
	}
	if err := <-errc; err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("register: %v, want the 404 of the conversion", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a file was written: %v", err)
	}
}
