// Package register creates the bumpbot GitHub App from its manifest, the
// way Probot does: a page on loopback posts the manifest to GitHub, GitHub
// sends the person back with a one-time code, and the code is exchanged
// for the App's id, private key, webhook secret and OAuth credentials,
// written to a file `bumpbot serve --config` reads.
package register

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/bumpbot/bumpbot/internal/ghapp"
	"github.com/google/go-github/v60/github"
	"gopkg.in/yaml.v3"
)

// Options say where the App is registered and where its credentials go.
type Options struct {
	// Manifest is app.yml.
	Manifest []byte
	// APIURL is GitHub's REST root: https://api.github.com/ (the default)
	// or https://HOST/api/v3/ for GitHub Enterprise Server.
	APIURL string
	// Org registers the App for an organization; "" for the person.
	Org string
	// WebhookURL is where `bumpbot serve` will receive webhooks.
	WebhookURL string
	// Out is the file the credentials are written to (0600; never
	// overwritten).
	Out string
	// Listen is the loopback address of the page (default 127.0.0.1:0).
	Listen string
	// Log receives what the person must do (open the page, install).
	Log io.Writer
	// HTTPClient talks to GitHub (default http.DefaultClient).
	HTTPClient *http.Client
	// Ready, when set, is told the page's address once it listens.
	Ready func(pageURL string)
}

// Credentials are what GitHub hands over for a new App, in the form
// `bumpbot serve --config` reads.
type Credentials struct {
	AppID         int64  `yaml:"app_id"`
	PrivateKey    string `yaml:"private_key"`
	WebhookSecret string `yaml:"webhook_secret"`
	ClientID      string `yaml:"client_id"`
	ClientSecret  string `yaml:"client_secret"`
	GitHubURL     string `yaml:"github_url,omitempty"`
}

// Run serves the registration page until GitHub sends the person back
// (or ctx ends), exchanges the code and writes the credentials.
func Run(ctx context.Context, o Options) (*github.AppConfig, error) {
	if o.WebhookURL == "" {
		return nil, errors.New("register: --webhook-url is required: where bumpbot serve receives webhooks")
	}
	if o.Out == "" {
		return nil, errors.New("register: --out FILE is required")
	}
	if _, err := os.Lstat(o.Out); err == nil {
		return nil, fmt.Errorf("register: %s exists: not overwritten (it may hold another App's key)", o.Out)
	}
	if o.Listen == "" {
		o.Listen = "127.0.0.1:0"
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	api, web, err := urls(o.APIURL)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return nil, fmt.Errorf("register: %w", err)
	}
	defer ln.Close()
	page := "http://" + ln.Addr().String()
	state, err := randomState()
	if err != nil {
		return nil, err
	}
	manifest, err := manifestJSON(o.Manifest, o.WebhookURL, page+"/callback")
	if err != nil {
		return nil, err
	}
	action := web + "/settings/apps/new"
	if o.Org != "" {
		action = web + "/organizations/" + url.PathEscape(o.Org) + "/settings/apps/new"
	}
	client := github.NewClient(o.HTTPClient)
	if client.BaseURL, err = url.Parse(api); err != nil {
		return nil, err
	}
	type result struct {
		app *github.AppConfig
		err error
	}
	done := make(chan result, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		formPage.Execute(w, map[string]string{"Action": action + "?state=" + state, "Manifest": manifest}) //nolint:errcheck // the browser went away
	})
	mux.HandleFunc("GET /callback", func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("state")), []byte(state)) != 1 {
			http.Error(w, "this answer does not come from the registration this page started (state does not match)", http.StatusBadRequest)
			return
		}
		app, _, err := client.Apps.CompleteAppManifest(r.Context(), r.URL.Query().Get("code"))
		if err == nil {
			err = write(o.Out, app, o.APIURL)
		}
		if err != nil {
			http.Error(w, "registration failed: "+err.Error(), http.StatusBadGateway)
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			donePage.Execute(w, map[string]string{"Install": app.GetHTMLURL() + "/installations/new", "Out": o.Out}) //nolint:errcheck // the browser went away
		}
		select {
		case done <- result{app, err}:
		default:
		}
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // shut down below
	defer func() {
		// Gracefully: the callback signals done before its page is
		// flushed, and Close would cut the browser off from it.
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx) //nolint:errcheck // a browser that does not read its page is not waited for longer
	}()
	fmt.Fprintf(o.Log, "Open %s in a browser to create the App on GitHub.\n", page)
	if o.Ready != nil {
		o.Ready(page)
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("register: %w", r.err)
		}
		fmt.Fprintf(o.Log, "Created the App %q (id %d); its credentials are in %s.\nInstall it: %s/installations/new\nThen run: bumpbot serve --config %s\n",
			r.app.GetSlug(), r.app.GetID(), o.Out, r.app.GetHTMLURL(), o.Out)
		return r.app, nil
	}
}

// urls returns the API root and the web root of a GitHub.
func urls(api string) (string, string, error) {
	if api == "" {
		api = "https://api.github.com/"
	}
	u, err := url.Parse(api)
	if err != nil || u.Host == "" {
		return "", "", fmt.Errorf("register: --github-url %q is not a URL", api)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u.String(), ghapp.WebBase(u), nil
}

// manifestJSON turns app.yml into the JSON GitHub takes, pointed at this
// deployment's webhook URL and this page's callback.
func manifestJSON(src []byte, webhookURL, redirect string) (string, error) {
	var m map[string]any
	if err := yaml.Unmarshal(src, &m); err != nil {
		return "", fmt.Errorf("register: app.yml: %w", err)
	}
	hook, _ := m["hook_attributes"].(map[string]any)
	if hook == nil {
		hook = map[string]any{}
	}
	hook["url"] = webhookURL
	m["hook_attributes"] = hook
	m["redirect_url"] = redirect
	b, err := json.Marshal(m)
	return string(b), err
}

// write stores the credentials, 0600, refusing to replace a file.
func write(path string, app *github.AppConfig, api string) error {
	b, err := yaml.Marshal(Credentials{AppID: app.GetID(), PrivateKey: app.GetPEM(), WebhookSecret: app.GetWebhookSecret(),
		ClientID: app.GetClientID(), ClientSecret: app.GetClientSecret(), GitHubURL: api})
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

func randomState() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

var formPage = template.Must(template.New("form").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Create the bumpbot App</title></head>
<body style="font:16px system-ui,sans-serif;margin:3em">
<h1>Create the bumpbot GitHub App</h1>
<p>GitHub will ask you to confirm the App's name, then send you back here.</p>
<form action="{{.Action}}" method="post">
<input type="hidden" name="manifest" value="{{.Manifest}}">
<button type="submit">Create the App on GitHub</button>
</form></body></html>`))

var donePage = template.Must(template.New("done").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bumpbot App created</title></head>
<body style="font:16px system-ui,sans-serif;margin:3em">
<h1>The App is created</h1>
<p>Its credentials are in <code>{{.Out}}</code>. You may close this tab.</p>
<p><a href="{{.Install}}">Install it on your repositories</a>, then run <code>bumpbot serve --config {{.Out}}</code>.</p>
</body></html>`))
