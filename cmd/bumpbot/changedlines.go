package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"

	"github.com/bumpbot/bumpbot/internal/policycheck"
)

// changedLines returns, for the git checkout at dir, the lines of each
// file (slash paths relative to dir) that differ from revision rev: what
// a pull request changes when rev is its base. A file git does not track
// yet is changed as a whole.
func changedLines(dir, rev string) (policycheck.Changed, error) {
	cmd := exec.Command("git", "-C", dir, "diff", "--unified=0", "--no-color", "--no-ext-diff", "--relative", rev, "--", ".")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git diff %s in %s: %w: %s", rev, dir, err, strings.TrimSpace(stderr.String()))
	}
	changed, err := policycheck.ParseDiff(out)
	if err != nil {
		return nil, fmt.Errorf("git diff %s in %s: %w", rev, dir, err)
	}
	untracked, err := exec.Command("git", "-C", dir, "ls-files", "--others", "--exclude-standard").Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files in %s: %w", dir, err)
	}
	for _, f := range strings.Split(strings.TrimSpace(string(untracked)), "\n") {
		if f != "" {
			changed.Add(f, policycheck.WholeFile)
		}
	}
	return changed, nil
}
