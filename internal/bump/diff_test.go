package bump

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/testtool"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, before, after, want string
	}{
		{
			name:   "two hunks",
			before: "a\nb\nc\nd\n:1\ne\nf\ng\nh\ni\nj\nk\nl\n:2\nm\n",
			after:  "a\nb\nc\nd\n:10\ne\nf\ng\nh\ni\nj\nk\nl\n:20\nm\n",
			want:   "--- a/f.txt\n+++ b/f.txt\n@@ -2,7 +2,7 @@\n b\n c\n d\n-:1\n+:10\n e\n f\n g\n@@ -11,5 +11,5 @@\n j\n k\n l\n-:2\n+:20\n m\n",
		},
		{
			name:   "merged hunk and adjacent changes",
			before: "a\n:1\n:2\nb\nc\nd\ne\n:3\n",
			after:  "a\n:9\n:10\nb\nc\nd\ne\n:30\n",
			want:   "--- a/f.txt\n+++ b/f.txt\n@@ -1,8 +1,8 @@\n a\n-:1\n-:2\n+:9\n+:10\n b\n c\n d\n e\n-:3\n+:30\n",
		},
		{
			name:   "CRLF kept",
			before: "x\r\n:1\r\ny\r\n",
			after:  "x\r\n:2\r\ny\r\n",
			want:   "--- a/f.txt\n+++ b/f.txt\n@@ -1,3 +1,3 @@\n x\r\n-:1\r\n+:2\r\n y\r\n",
		},
		{
			name:   "no final newline",
			before: "x\n:1",
			after:  "x\n:2",
			want:   "--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n x\n-:1\n\\ No newline at end of file\n+:2\n\\ No newline at end of file\n",
		},
		{name: "unchanged", before: "x\n", after: "x\n", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Diff("f.txt", []byte(tc.before), []byte(tc.after))
			if got != tc.want {
				t.Fatalf("diff:\n%q\nwant:\n%q", got, tc.want)
			}
			if got != "" {
				gitApply(t, "f.txt", tc.before, tc.after, got)
			}
		})
	}
}

// gitApply checks with git itself that the diff applies and gives after.
func gitApply(t *testing.T, name, before, after, diff string) {
	t.Helper()
	git := testtool.Need(t, "git")
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(git, "apply", "--whitespace=nowarn", "-")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(diff)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v\n%s", err, out)
	}
	got, _ := os.ReadFile(filepath.Join(dir, name))
	if string(got) != after {
		t.Fatalf("after git apply: %q, want %q", got, after)
	}
}

// An absolute path is shown from the root, so the diff is one git apply
// takes (a path with "//" it refuses).
func TestDiffAbsolutePath(t *testing.T) {
	t.Parallel()
	got := Diff("/srv/repo/infra/main.tf", []byte("v = 1\n"), []byte("v = 2\n"))
	if !strings.HasPrefix(got, "--- a/srv/repo/infra/main.tf\n+++ b/srv/repo/infra/main.tf\n") {
		t.Fatalf("diff header:\n%s", got)
	}
	gitApply(t, "srv/repo/infra/main.tf", "v = 1\n", "v = 2\n", got)
}
