package ghapptest

import (
	"testing"
	"time"
)

// The SHAs below are what `git hash-object` and `git mktree` print, so the
// fake's objects are the ones real git would store.
func TestObjectSHAsMatchGit(t *testing.T) {
	t.Parallel()
	r := &repo{objects: map[string]*object{}, refs: map[string]string{}}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"blob", r.putBlob([]byte("hello\n")), "ce013625030ba8dba906f756967f9e9ca394464a"},
		{"empty blob", r.putBlob(nil), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"},
		{"empty tree", r.putTree(nil), "4b825dc642cb6eb9a060e54bf8d69288fbee4904"},
		{"tree with one file", r.buildTree(map[string]flatEntry{"hello.txt": {Mode: modeFile, SHA: "ce013625030ba8dba906f756967f9e9ca394464a"}}),
			"aaa96ced2d9a1c8e72c56b253a0e2fe78393feb7"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: sha %s, want %s", tc.name, tc.got, tc.want)
		}
	}
}

func TestNestedTreesRoundTrip(t *testing.T) {
	t.Parallel()
	r := &repo{objects: map[string]*object{}, refs: map[string]string{}}
	files := map[string]flatEntry{
		"a.tf":         {Mode: modeFile, SHA: r.putBlob([]byte("a"))},
		"dir/b.yml":    {Mode: modeFile, SHA: r.putBlob([]byte("b"))},
		"dir/sub/c.py": {Mode: "100755", SHA: r.putBlob([]byte("c"))},
		"dir.x":        {Mode: modeFile, SHA: r.putBlob([]byte("d"))},
	}
	root := r.buildTree(files)
	// git write-tree of the same files ("dir" sorts after "dir.x" because
	// git compares a directory as "dir/").
	if want := "bbf5ff6c7394d9a06ee9d144cb2981160a3f7152"; root != want {
		t.Errorf("root tree %s, want %s", root, want)
	}
	got := r.flatten(root)
	if len(got) != len(files) {
		t.Fatalf("flatten: %d files, want %d", len(got), len(files))
	}
	for p, e := range files {
		if got[p] != e {
			t.Errorf("%s: %+v, want %+v", p, got[p], e)
		}
	}
	c1 := r.putCommit(root, nil, "one", Person, time.Unix(1, 0))
	c2 := r.putCommit(root, []string{c1}, "two", Person, time.Unix(2, 0))
	if !r.isAncestor(c1, c2) || r.isAncestor(c2, c1) {
		t.Errorf("ancestry wrong: c1→c2 %v, c2→c1 %v", r.isAncestor(c1, c2), r.isAncestor(c2, c1))
	}
}
