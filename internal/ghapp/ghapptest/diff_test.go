package ghapptest

import "testing"

func TestUnifiedPatch(t *testing.T) {
	t.Parallel()
	old := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n"
	new := "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n21\n"
	patch, adds, dels, ok := unifiedPatch(old, new)
	want := "@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n@@ -18,3 +18,4 @@\n 18\n 19\n 20\n+21"
	if !ok || patch != want || adds != 2 || dels != 1 {
		t.Errorf("patch (+%d -%d):\n%s\nwant:\n%s", adds, dels, patch, want)
	}
	if patch, _, _, _ := unifiedPatch("", "a\nb\n"); patch != "@@ -0,0 +1,2 @@\n+a\n+b" {
		t.Errorf("added file: %q", patch)
	}
}
