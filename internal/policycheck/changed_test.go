package policycheck

import (
	"slices"
	"strings"
	"testing"
)

func TestParseDiff(t *testing.T) {
	t.Parallel()
	// git diff --unified=0: an edited line, an added file, a deleted
	// file, a removed line that reads like a header.
	diff := `diff --git a/main.tf b/main.tf
--- a/main.tf
+++ b/main.tf
@@ -3 +3 @@ resource
-  layers = ["a:1"]
+  layers = ["a:2"]
@@ -9,2 +8,0 @@
--- a comment
-x
@@ -20,0 +19,2 @@
+y
+++ z
diff --git a/new.sh b/new.sh
new file mode 100644
--- /dev/null
+++ b/new.sh
@@ -0,0 +1,2 @@
+# new
+M=1
diff --git a/gone.sh b/gone.sh
--- a/gone.sh
+++ /dev/null
@@ -1 +0,0 @@
-L=1
`
	got, err := ParseDiff([]byte(diff))
	if err != nil {
		t.Fatal(err)
	}
	want := Changed{"main.tf": {3: true, 19: true, 20: true}, "new.sh": {1: true, 2: true}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for f, lines := range want {
		for l := range lines {
			if !got.Has(f, l) {
				t.Errorf("%s:%d not changed in %v", f, l, got)
			}
		}
		if len(got[f]) != len(lines) {
			t.Errorf("%s: %v, want %v", f, got[f], lines)
		}
	}
}

// A patch of GitHub's pull request files API: three lines of context.
func TestPatchLines(t *testing.T) {
	t.Parallel()
	patch := "@@ -1,4 +1,5 @@\n a\n-b\n+B\n+B2\n c\n d\n@@ -10,3 +11,3 @@ func\n x\n-y\n+Y\n z\n\\ No newline at end of file"
	if got, want := PatchLines(patch), []int{2, 3, 12}; !slices.Equal(got, want) {
		t.Errorf("PatchLines = %v, want %v", got, want)
	}
	if got := PatchLines(""); len(got) != 0 {
		t.Errorf("empty patch: %v", got)
	}
}

// Any bytes: no panic, and the lines one hunk adds come in increasing
// order, as a hunk walks its file forward.
func FuzzPatchLines(f *testing.F) {
	f.Add("@@ -1,4 +1,5 @@\n a\n-b\n+B\n+B2\n c\n d")
	f.Add("@@ -0,0 +1,2 @@\n+a\n+b")
	f.Add("--- a/x\n+++ b/x\n@@ -3 +3 @@\n-x\n+y\n")
	f.Fuzz(func(t *testing.T, patch string) {
		lines := PatchLines(patch)
		oneHunk := strings.Count("\n"+patch, "\n@@ ") <= 1
		for i := 1; oneHunk && i < len(lines); i++ {
			if lines[i] <= lines[i-1] {
				t.Fatalf("lines %v not increasing within one hunk", lines)
			}
		}
		if _, err := ParseDiff([]byte(patch)); err != nil && !strings.Contains(err.Error(), "too long") {
			t.Fatalf("ParseDiff: %v", err)
		}
	})
}
