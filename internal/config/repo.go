package config

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

// RepoPath is where a repository keeps its configuration; the org-wide
// defaults live at the root of the org's ".github" repository, in
// OrgDefaultsPath.
const (
	RepoPath        = ".github/bumpbot.yml"
	OrgDefaultsPath = "bumpbot.yml"
)

// Repo is a repository's configuration (.github/bumpbot.yml), over the
// org's defaults key by key. The zero value (no file) is today's
// behaviour: every layer, newest version, one pull request per layer.
type Repo struct {
	Version               int           `yaml:"version"`
	Paths                 Paths         `yaml:"paths"`
	Strategy              string        `yaml:"strategy"`
	Regions               []string      `yaml:"regions"`
	Ignore                []Ignore      `yaml:"ignore"`
	Group                 Group         `yaml:"group"`
	Labels                []string      `yaml:"labels"`
	Reviewers             []string      `yaml:"reviewers"`
	TeamReviewers         []string      `yaml:"team-reviewers"`
	Assignees             []string      `yaml:"assignees"`
	Schedule              Schedule      `yaml:"schedule"`
	OpenPullRequestsLimit int           `yaml:"open-pull-requests-limit"`
	CommitMessage         CommitMessage `yaml:"commit-message"`
	// Dashboard keeps one issue, "Lambda layers dashboard", listing the
	// repository's pins, pending updates, open pull requests and ignores,
	// with checkboxes to open a held update now or drop an ignore.
	Dashboard bool `yaml:"dashboard"`
}

// Paths chooses the files considered, by globs over slash-separated paths
// from the repository root (`**` crosses directories).
type Paths struct {
	Include []string `yaml:"include"`
	Exclude []string `yaml:"exclude"`
}

// Ignore is one rule of what not to bump: a layer (its name or full ARN
// without version, globs allowed), and optionally the versions to stay
// out of ("> 79", ">= 80", "80-81", "82").
type Ignore struct {
	Layer    string   `yaml:"layer"`
	Versions []string `yaml:"versions"`
}

// Group says how updates become pull requests.
type Group struct {
	// Mode is "per-layer" (the default) or "all"; "" with Groups set for
	// named groups.
	Mode   string
	Groups []NamedGroup
}

// NamedGroup gathers the layers matching its globs into one pull request.
type NamedGroup struct {
	Name   string   `yaml:"name"`
	Layers []string `yaml:"layers"`
}

// UnmarshalYAML takes "per-layer", "all", or a list of named groups.
func (g *Group) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Value != "per-layer" && n.Value != "all" {
			return fmt.Errorf("group %q: want per-layer, all, or a list of {name, layers}", n.Value)
		}
		*g = Group{Mode: n.Value}
		return nil
	case yaml.SequenceNode:
		var gs []NamedGroup
		var errs ParseErrors
		decodeNode("", n, reflectValue(&gs), &errs)
		if len(errs) > 0 {
			return errs
		}
		*g = Group{Groups: gs}
		return nil
	}
	return errors.New("group: want per-layer, all, or a list of {name, layers}")
}

// Schedule gates when pull requests are opened or updated (events are
// recorded at once whatever it says).
type Schedule struct {
	Interval string `yaml:"interval"` // daily | weekly | monthly | "cron: M H DOM MON DOW"
	Day      string `yaml:"day"`      // weekly: monday…sunday
	Time     string `yaml:"time"`     // HH:MM
	Timezone string `yaml:"timezone"` // IANA name, default UTC
}

// CommitMessage shapes the bot's commit messages and titles.
type CommitMessage struct {
	Prefix string `yaml:"prefix"`
}

// ParseRepo decodes a configuration file strictly and checks its values:
// every mistake is a ParseError at its line and column. base holds the
// defaults the file overrides key by key (the org's, or the zero Repo).
func ParseRepo(file string, src []byte, base Repo) (Repo, error) {
	cfg := base
	cfg.Version = 0
	var errs ParseErrors
	if err := DecodeYAML(file, src, &cfg); err != nil {
		pe, ok := err.(ParseErrors)
		if !ok {
			return base, err
		}
		errs = pe
	}
	// The values decoded are checked even when others were not, so the
	// author sees every mistake at once; not when the file is no YAML.
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) == nil {
		errs = append(errs, cfg.check(file, &doc)...)
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b ParseError) int {
			if a.Line != b.Line {
				return a.Line - b.Line
			}
			return a.Column - b.Column
		})
		return base, errs
	}
	return cfg, nil
}

// check validates the values decoding cannot; each error is located at
// its key through a second look at the document.
func (c Repo) check(file string, doc *yaml.Node) ParseErrors {
	at := func(keys ...string) (int, int) { return Locate(doc, keys...) }
	var errs ParseErrors
	add := func(msg string, keys ...string) {
		line, col := at(keys...)
		errs = append(errs, ParseError{Path: file, Line: line, Column: col, Message: msg})
	}
	if c.Version != 1 {
		add(fmt.Sprintf("version: %d is not supported: write version: 1", c.Version), "version")
	}
	if c.Strategy != "" && c.Strategy != "latest" && c.Strategy != "next" {
		add(fmt.Sprintf("strategy %q: want latest or next", c.Strategy), "strategy")
	}
	for _, r := range c.Regions {
		if !layerarn.IsRegion(r) {
			add(fmt.Sprintf("regions: %q is not an AWS region name", r), "regions")
		}
	}
	for _, g := range append(append([]string{}, c.Paths.Include...), c.Paths.Exclude...) {
		if _, err := path.Match(strings.ReplaceAll(g, "**", "*"), ""); err != nil {
			add(fmt.Sprintf("paths: bad glob %q", g), "paths")
		}
	}
	for _, ig := range c.Ignore {
		if ig.Layer == "" {
			add("ignore: every rule needs a layer", "ignore")
		}
		for _, v := range ig.Versions {
			if _, err := ParseVersionRange(v); err != nil {
				add(fmt.Sprintf("ignore %s: %v", ig.Layer, err), "ignore")
			}
		}
	}
	if err := c.Schedule.check(); err != nil {
		add(err.Error(), "schedule")
	}
	if c.OpenPullRequestsLimit < 0 {
		add("open-pull-requests-limit: must be 0 (no limit) or more", "open-pull-requests-limit")
	}
	return errs
}

func (s Schedule) check() error {
	switch {
	case s.Interval == "", s.Interval == "daily", s.Interval == "monthly":
	case s.Interval == "weekly":
		if s.Day != "" && !validDay(s.Day) {
			return fmt.Errorf("schedule: day %q: want monday … sunday", s.Day)
		}
	case strings.HasPrefix(s.Interval, "cron:"):
		if n := len(strings.Fields(strings.TrimPrefix(s.Interval, "cron:"))); n != 5 {
			return fmt.Errorf("schedule: %q: a cron line has 5 fields, found %d", s.Interval, n)
		}
	default:
		return fmt.Errorf("schedule: interval %q: want daily, weekly, monthly or \"cron: M H DOM MON DOW\"", s.Interval)
	}
	if s.Time != "" {
		if _, err := time.Parse("15:04", s.Time); err != nil {
			return fmt.Errorf("schedule: time %q: want HH:MM", s.Time)
		}
	}
	if s.Timezone != "" {
		if _, err := time.LoadLocation(s.Timezone); err != nil {
			return fmt.Errorf("schedule: timezone %q: %v", s.Timezone, err)
		}
	}
	return nil
}

func validDay(d string) bool {
	for i := time.Sunday; i <= time.Saturday; i++ {
		if strings.EqualFold(d, i.String()) {
			return true
		}
	}
	return false
}

// Locate returns the line and column of the key at path in a YAML
// document (mapping keys, or decimal indexes into lists), or of the
// deepest part of path found: where to point a person at a value that
// decoded but does not make sense.
func Locate(doc *yaml.Node, path ...string) (int, int) {
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line, col := n.Line, n.Column
	for _, k := range path {
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					line, col = n.Content[i].Line, n.Content[i].Column
					next = n.Content[i+1]
					break
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(k); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
				line, col = next.Line, next.Column
			}
		}
		if next == nil {
			break
		}
		n = next
	}
	return line, col
}

// VersionRange is a set of layer version numbers: [Min, Max], either end
// open (0).
type VersionRange struct{ Min, Max int }

// Contains reports whether v is in the range.
func (r VersionRange) Contains(v int) bool {
	return (r.Min == 0 || v >= r.Min) && (r.Max == 0 || v <= r.Max)
}

// ParseVersionRange reads "> 79", ">= 80", "< 5", "<= 4", "80-81", "= 82"
// or "82".
func ParseVersionRange(s string) (VersionRange, error) {
	t := strings.ReplaceAll(s, " ", "")
	num := func(x string) (int, error) {
		n, err := strconv.Atoi(x)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("%q: want a version number, a range N-M, or >, >=, <, <=, = N", s)
		}
		return n, nil
	}
	for _, op := range []string{">=", "<=", ">", "<", "="} {
		if rest, ok := strings.CutPrefix(t, op); ok {
			n, err := num(rest)
			if err != nil {
				return VersionRange{}, err
			}
			switch op {
			case ">=":
				return VersionRange{Min: n}, nil
			case "<=":
				return VersionRange{Min: 1, Max: n}, nil
			case ">":
				return VersionRange{Min: n + 1}, nil
			case "<":
				if n == 1 {
					return VersionRange{}, fmt.Errorf("%q: no version is below 1", s)
				}
				return VersionRange{Min: 1, Max: n - 1}, nil
			}
			return VersionRange{Min: n, Max: n}, nil
		}
	}
	if lo, hi, ok := strings.Cut(t, "-"); ok {
		a, err := num(lo)
		if err != nil {
			return VersionRange{}, err
		}
		b, err := num(hi)
		if err != nil || b < a {
			return VersionRange{}, fmt.Errorf("%q: want N-M with N ≤ M", s)
		}
		return VersionRange{Min: a, Max: b}, nil
	}
	n, err := num(t)
	return VersionRange{Min: n, Max: n}, err
}
