package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// wholeFile marks, in changedLines' answer, a file that is new as a
// whole (not tracked yet).
const wholeFile = 0

// changedLines returns, for the git checkout at dir, the lines of each
// file (slash paths relative to dir) that differ from revision rev: what
// a pull request changes when rev is its base. A file git does not track
// yet is changed as a whole (line wholeFile).
func changedLines(dir, rev string) (map[string]map[int]bool, error) {
	cmd := exec.Command("git", "-C", dir, "diff", "--unified=0", "--no-color", "--no-ext-diff", "--relative", rev, "--", ".")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git diff %s in %s: %v: %s", rev, dir, err, strings.TrimSpace(stderr.String()))
	}
	changed := map[string]map[int]bool{}
	var file string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "+++ "):
			file = strings.TrimPrefix(strings.TrimPrefix(line, "+++ "), "b/")
			if file == "/dev/null" {
				file = ""
			}
		case strings.HasPrefix(line, "@@ ") && file != "":
			start, n, ok := hunkTarget(line)
			if !ok {
				continue
			}
			if changed[file] == nil {
				changed[file] = map[int]bool{}
			}
			for l := start; l < start+n; l++ {
				changed[file][l] = true
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	untracked, err := exec.Command("git", "-C", dir, "ls-files", "--others", "--exclude-standard").Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files in %s: %w", dir, err)
	}
	for _, f := range strings.Split(strings.TrimSpace(string(untracked)), "\n") {
		if f != "" {
			changed[f] = map[int]bool{wholeFile: true}
		}
	}
	return changed, nil
}

// hunkTarget reads "+c,d" of a hunk header "@@ -a,b +c,d @@": the new
// file's first line and count (count 1 when left out).
func hunkTarget(header string) (int, int, bool) {
	fields := strings.Fields(header)
	if len(fields) < 3 || !strings.HasPrefix(fields[2], "+") {
		return 0, 0, false
	}
	start, count, hasCount := strings.Cut(fields[2][1:], ",")
	s, err := strconv.Atoi(start)
	if err != nil {
		return 0, 0, false
	}
	n := 1
	if hasCount {
		if n, err = strconv.Atoi(count); err != nil {
			return 0, 0, false
		}
	}
	return s, n, true
}
