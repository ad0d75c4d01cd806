package ghapp_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-github/v60/github"
	"gopkg.in/yaml.v3"
)

// manifest is a GitHub App manifest, every field GitHub documents
// ("Registering a GitHub App from a manifest"). Decoding is strict, so a
// misspelt or unknown field fails the test instead of being dropped by
// GitHub without a word.
type manifest struct {
	Name           string `yaml:"name"`
	URL            string `yaml:"url"`
	Description    string `yaml:"description"`
	HookAttributes struct {
		URL    string `yaml:"url"`
		Active *bool  `yaml:"active"`
	} `yaml:"hook_attributes"`
	RedirectURL           string            `yaml:"redirect_url"`
	CallbackURLs          []string          `yaml:"callback_urls"`
	SetupURL              string            `yaml:"setup_url"`
	Public                *bool             `yaml:"public"`
	DefaultEvents         []string          `yaml:"default_events"`
	DefaultPermissions    map[string]string `yaml:"default_permissions"`
	RequestOAuthOnInstall *bool             `yaml:"request_oauth_on_install"`
	SetupOnUpdate         *bool             `yaml:"setup_on_update"`
}

// neededPermissions is the least the bot's features need, and why. A
// permission in app.yml that is not here, or at a higher level, fails the
// test: asking for more than the code uses is what a reviewer of the
// installation screen must not see.
var neededPermissions = map[string]struct{ level, why string }{
	"contents":      {"write", "read the default branch (branches, trees, blobs) and commit to bumpbot/* branches (blobs, trees, commits, refs)"},
	"pull_requests": {"write", "list, open and edit the bump pull requests"},
	// POST /issues/{n}/labels creates a label that does not exist yet,
	// which needs issues: write; pull_requests: write alone is answered
	// 403 then.
	"issues":   {"write", "labels (created on first use) and comments on the bump pull requests; open and edit the configuration-error and dashboard issues"},
	"metadata": {"read", "required by every app; also grants the repository event"},
	"checks":   {"write", "the bumpbot/policy check run (create, annotate, list the app's runs of a head) on every pull request while the org has a security policy"},
}

// eventPermissions names, for each event the manifest may list, the
// permissions of which one must be declared for GitHub to deliver it (the
// "Availability" of each event in GitHub's webhook documentation).
var eventPermissions = map[string][]string{
	"push":          {"contents"},
	"pull_request":  {"pull_requests"},
	"issue_comment": {"issues", "pull_requests"},
	"issues":        {"issues"},
	"repository":    {"metadata"},
	"check_run":     {"checks"},
	"check_suite":   {"checks"},
}

// handledEvents are the events internal/webhook turns into work (its
// unexported "handled" set, minus the two GitHub delivers to every app).
// Kept by hand because internal/webhook does not export the set; a
// subscribed event nobody handles costs a delivery, a signature check and
// a database row for nothing.
var handledEvents = []string{"issue_comment", "issues", "pull_request", "push", "repository"}

// undeclarable are events GitHub delivers to every app and rejects in a
// manifest ("Default events unsupported: installation and
// installation_repositories").
var undeclarable = []string{"installation", "installation_repositories"}

func readManifest(t *testing.T) manifest {
	t.Helper()
	path := filepath.Join("..", "..", "app.yml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var m manifest
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// TestManifestEvents: every default event is a GitHub event, allowed by a
// declared permission, handled by the server, and not one GitHub refuses
// in a manifest.
func TestManifestEvents(t *testing.T) {
	t.Parallel()
	m := readManifest(t)
	if len(m.DefaultEvents) == 0 {
		t.Fatal("app.yml: no default_events: the bot would only hear of installations")
	}
	seen := map[string]bool{}
	for _, ev := range m.DefaultEvents {
		if seen[ev] {
			t.Errorf("app.yml: event %q listed twice", ev)
		}
		seen[ev] = true
		if slices.Contains(undeclarable, ev) {
			t.Errorf("app.yml: event %q: GitHub delivers it to every app and rejects a manifest that lists it", ev)
			continue
		}
		// go-github's own list of event types: what ParseWebHook accepts.
		if github.EventForType(ev) == nil {
			t.Errorf("app.yml: %q is not a GitHub webhook event (go-github knows %d)", ev, len(github.MessageTypes()))
			continue
		}
		perms, ok := eventPermissions[ev]
		if !ok {
			t.Errorf("app.yml: event %q: no entry in eventPermissions; add the permission GitHub requires for it", ev)
		} else if !slices.ContainsFunc(perms, func(p string) bool { return m.DefaultPermissions[p] != "" }) {
			t.Errorf("app.yml: event %q needs one of the permissions %v, none is declared", ev, perms)
		}
		if !slices.Contains(handledEvents, ev) {
			t.Errorf("app.yml: event %q is subscribed but the server does not handle it (handled: %v)", ev, handledEvents)
		}
	}
	for _, ev := range handledEvents {
		if !seen[ev] {
			t.Errorf("app.yml: the server handles %q but the app does not subscribe to it", ev)
		}
	}
}

// TestManifestPermissions: the manifest asks for exactly what
// neededPermissions documents, no more and at no higher level.
func TestManifestPermissions(t *testing.T) {
	t.Parallel()
	m := readManifest(t)
	for p, level := range m.DefaultPermissions {
		need, ok := neededPermissions[p]
		switch {
		case level != "read" && level != "write" && level != "admin":
			t.Errorf("app.yml: permission %s: %q is not read, write or admin", p, level)
		case !ok:
			t.Errorf("app.yml: permission %s: %s declared but no feature needs it", p, level)
		case level != need.level:
			t.Errorf("app.yml: permission %s: %s declared, the features need %s (%s)", p, level, need.level, need.why)
		}
	}
	for p, need := range neededPermissions {
		if _, ok := m.DefaultPermissions[p]; !ok {
			t.Errorf("app.yml: permission %s: %s is needed to %s but not declared", p, need.level, need.why)
		}
	}
	if m.HookAttributes.URL == "" || m.Name == "" || m.URL == "" {
		t.Error("app.yml: name, url and hook_attributes.url are required by GitHub")
	}
}
