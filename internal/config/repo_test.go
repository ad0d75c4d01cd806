package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/config"
)

const fullRepo = `version: 1
paths: {include: ["infra/**"], exclude: ["legacy/**"]}
strategy: next
regions: [us-east-1, eu-west-1]
ignore:
  - {layer: "Datadog-*"}
  - {layer: "AWSLambdaPowertoolsPythonV2", versions: ["> 79"]}
group: [{name: python, layers: ["*-py*"]}]
labels: [dependencies, lambda-layers]
reviewers: [octocat]
team-reviewers: [platform]
assignees: [octocat]
schedule: {interval: weekly, day: monday, time: "09:00", timezone: Europe/Berlin}
open-pull-requests-limit: 10
commit-message: {prefix: "chore(deps)"}
dashboard: true
`

func TestParseRepo(t *testing.T) {
	t.Parallel()
	cfg, err := config.ParseRepo(".github/bumpbot.yml", []byte(fullRepo), config.Repo{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Strategy != "next" || len(cfg.Ignore) != 2 || cfg.Group.Groups[0].Name != "python" || cfg.Schedule.Day != "monday" ||
		cfg.OpenPullRequestsLimit != 10 || cfg.CommitMessage.Prefix != "chore(deps)" || cfg.TeamReviewers[0] != "platform" || !cfg.Dashboard {
		t.Errorf("parsed %+v", cfg)
	}
	if !cfg.IncludesPath("infra/lambda/main.tf") || cfg.IncludesPath("legacy/x.tf") || cfg.IncludesPath("app/main.tf") {
		t.Error("paths include/exclude")
	}
	if _, whole := cfg.Ignored(config.Layer{Name: "Datadog-Python312"}); !whole {
		t.Error("Datadog-* should be ignored whole")
	}
	r, whole := cfg.Ignored(config.Layer{Name: "AWSLambdaPowertoolsPythonV2"})
	if whole || len(r) != 1 || r[0].Contains(79) || !r[0].Contains(80) {
		t.Errorf("ranges %v", r)
	}

	// The org's defaults, overridden key by key by the repository's file.
	org, err := config.ParseRepo("bumpbot.yml", []byte("version: 1\nlabels: [org]\nreviewers: [sec]\nstrategy: next\n"), config.Repo{})
	if err != nil {
		t.Fatal(err)
	}
	repo, err := config.ParseRepo(".github/bumpbot.yml", []byte("version: 1\nlabels: [mine]\n"), org)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"mine"}, repo.Labels); diff != "" || repo.Strategy != "next" || repo.Reviewers[0] != "sec" {
		t.Errorf("overlay: %+v", repo)
	}
}

func TestParseRepoErrors(t *testing.T) {
	t.Parallel()
	src := `version: 2
strategy: newest
regions: [us-east-1, moon-1]
ignore:
  - {layer: x, versions: ["~> 3"]}
group: some
schedule: {interval: hourly}
open-pull-requests-limit: -1
dashboard: yes please
`
	_, err := config.ParseRepo("c.yml", []byte(src), config.Repo{})
	pe, ok := errors.AsType[config.ParseErrors](err)
	if !ok {
		t.Fatalf("%v", err)
	}
	var got []string
	for _, e := range pe {
		got = append(got, e.Error())
	}
	want := []string{
		`c.yml:6:8: group "some": want per-layer, all, or a list of {name, layers}`,
		`c.yml:9:12: "yes please" is not true or false`,
	}
	for _, w := range append(want, "c.yml:1:1: version: 2", "c.yml:2:1: strategy", "c.yml:3:1: regions", "c.yml:4:1: ignore x", "c.yml:7:1: schedule", "c.yml:8:1: open-pull-requests-limit") {
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, w)
		}
		if !found {
			t.Errorf("no error starting %q in:\n%s", w, strings.Join(got, "\n"))
		}
	}
}

func TestVersionRanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		in1, ex int // a version inside, one outside
	}{
		{"> 79", 80, 79}, {">=80", 80, 79}, {"< 5", 4, 5}, {"<= 4", 4, 5}, {"80-81", 81, 82}, {"82", 82, 81}, {"= 82", 82, 83},
	}
	for _, tc := range tests {
		r, err := config.ParseVersionRange(tc.in)
		if err != nil || !r.Contains(tc.in1) || r.Contains(tc.ex) {
			t.Errorf("%q: %+v %v", tc.in, r, err)
		}
	}
	for _, bad := range []string{"", "x", "< 1", "5-3", "~3", "0"} {
		if _, err := config.ParseVersionRange(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	l := config.Layer{Partition: "aws", Region: "eu-west-1", Account: "017000801446", Name: "AWSLambdaPowertoolsPythonV2"}
	for pat, want := range map[string]bool{
		"AWSLambdaPowertools*": true, "Datadog-*": false,
		"arn:aws:lambda:*:017000801446:layer:AWSLambdaPowertoolsPythonV2": true,
		"arn:aws:lambda:us-*:017000801446:layer:*":                        false,
	} {
		if got := config.MatchLayer(pat, l); got != want {
			t.Errorf("MatchLayer(%q) = %v", pat, got)
		}
	}
	for glob, p := range map[string]string{"infra/**": "infra/a/b/c.tf", "**/*.tf": "main.tf", "a/*/c": "a/b/c"} {
		if !config.MatchPath(glob, p) {
			t.Errorf("MatchPath(%q, %q) = false", glob, p)
		}
	}
	if config.MatchPath("a/*", "a/b/c") {
		t.Error("* crossed a directory")
	}
}

// FuzzParseRepo: any input parses or fails with located errors; never a
// panic.
func FuzzParseRepo(f *testing.F) {
	f.Add([]byte(fullRepo))
	f.Add([]byte("version: 1\ngroup: all\n"))
	f.Add([]byte("version: 1\nignore: [{layer: x, versions: ['1-2']}]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := config.ParseRepo("f.yml", src, config.Repo{})
		if err == nil {
			return
		}
		pe, ok := errors.AsType[config.ParseErrors](err)
		if !ok {
			t.Fatalf("error of type %T: %v", err, err)
		}
		for _, e := range pe {
			if e.Path != "f.yml" || e.Message == "" {
				t.Fatalf("unlocated error %+v", e)
			}
		}
	})
}
