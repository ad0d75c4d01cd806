package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
)

// repoName names a checkout as GitHub does, owner/name, from the URL of
// its origin remote, so that `bumpbot report` rows name repositories as
// the App's fleet view does; a directory that is no clone (or whose
// origin says nothing usable) is named by its base name.
func repoName(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	if name := originName(abs); name != "" {
		return name
	}
	return filepath.Base(abs)
}

// originName reads the origin remote's URL of the git checkout at dir
// (its .git directory, or the directory a .git file of a linked worktree
// points to) and returns the URL's last two path segments, "" when any
// of that is missing.
func originName(dir string) string {
	gitDir := filepath.Join(dir, ".git")
	if b, err := os.ReadFile(gitDir); err == nil {
		// A linked worktree: "gitdir: PATH", whose commondir holds the
		// configuration.
		target, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "gitdir:")
		if !ok {
			return ""
		}
		gitDir = strings.TrimSpace(target)
		if !filepath.IsAbs(gitDir) {
			gitDir = filepath.Join(dir, gitDir)
		}
		if c, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
			common := strings.TrimSpace(string(c))
			if !filepath.IsAbs(common) {
				common = filepath.Join(gitDir, common)
			}
			gitDir = common
		}
	}
	cfg, err := os.ReadFile(filepath.Join(gitDir, "config"))
	if err != nil {
		return ""
	}
	return nameOfURL(originURL(cfg))
}

// originURL finds url = ... in the [remote "origin"] section of a git
// configuration file.
func originURL(cfg []byte) string {
	in := false
	sc := bufio.NewScanner(bytes.NewReader(cfg))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			in = strings.EqualFold(strings.Join(strings.Fields(line), " "), `[remote "origin"]`)
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if in && ok && strings.EqualFold(strings.TrimSpace(k), "url") {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// nameOfURL returns owner/name from a remote URL: https://HOST/owner/name.git,
// git@HOST:owner/name.git, ssh://git@HOST/owner/name.
func nameOfURL(u string) string {
	if u == "" {
		return ""
	}
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	} else if host, rest, ok := strings.Cut(u, ":"); ok {
		u = host + "/" + rest // scp-like: HOST:owner/name
	}
	parts := strings.Split(strings.Trim(strings.TrimSuffix(strings.TrimSuffix(u, "/"), ".git"), "/"), "/")
	if len(parts) < 3 || parts[len(parts)-2] == "" || parts[len(parts)-1] == "" {
		return ""
	}
	return parts[len(parts)-2] + "/" + parts[len(parts)-1]
}
