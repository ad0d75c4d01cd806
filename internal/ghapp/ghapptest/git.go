package ghapptest

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"
)

// Git object modes as GitHub reports them.
const (
	modeFile = "100644"
	modeDir  = "040000"
)

// object is one git object, stored with the exact bytes git hashes so that
// every SHA the fake hands out is the one real git would compute.
type object struct {
	typ  string // blob, tree, commit
	data []byte
	// tree holds the parsed entries of a tree object; commit the parsed
	// header of a commit object.
	tree   []treeEntry
	commit *commitInfo
}

type treeEntry struct {
	Mode string
	Name string
	SHA  string
}

type commitInfo struct {
	Tree    string
	Parents []string
	Message string
	// Committer is the committer's name: Slug+"[bot]" for the app's
	// commits, Person (or PushAs's) for a developer's.
	Committer string
	When      time.Time
}

// hashObject returns the SHA-1 git assigns to an object: the hash of
// "<type> <len>\x00<data>".
func hashObject(typ string, data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "%s %d\x00", typ, len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// putBlob stores content as a blob and returns its SHA.
// has reports whether sha names an object of type typ (blob, tree,
// commit) in the repository.
func (r *repo) has(sha, typ string) bool {
	o := r.objects[sha]
	return o != nil && o.typ == typ
}

func (r *repo) putBlob(content []byte) string {
	sha := hashObject("blob", content)
	r.objects[sha] = &object{typ: "blob", data: append([]byte(nil), content...)}
	return sha
}

// putTree encodes entries the way git does (sorted, directories compared
// as "name/") and stores the tree.
func (r *repo) putTree(entries []treeEntry) string {
	sort.Slice(entries, func(i, j int) bool { return sortKey(entries[i]) < sortKey(entries[j]) })
	var b bytes.Buffer
	for _, e := range entries {
		mode := e.Mode
		if mode == modeDir {
			mode = "40000" // git writes tree modes without the leading zero
		}
		raw, _ := hex.DecodeString(e.SHA)
		fmt.Fprintf(&b, "%s %s\x00", mode, e.Name)
		b.Write(raw)
	}
	sha := hashObject("tree", b.Bytes())
	r.objects[sha] = &object{typ: "tree", data: b.Bytes(), tree: entries}
	return sha
}

func sortKey(e treeEntry) string {
	if e.Mode == modeDir {
		return e.Name + "/"
	}
	return e.Name
}

// putCommit stores a commit object with a fixed identity.
func (r *repo) putCommit(tree string, parents []string, message, committer string, when time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tree %s\n", tree)
	for _, p := range parents {
		fmt.Fprintf(&b, "parent %s\n", p)
	}
	sig := fmt.Sprintf("%s <test@example.com> %d +0000", committer, when.Unix())
	fmt.Fprintf(&b, "author %s\ncommitter %s\n\n%s", sig, sig, message)
	data := []byte(b.String())
	sha := hashObject("commit", data)
	r.objects[sha] = &object{typ: "commit", data: data, commit: &commitInfo{Tree: tree, Parents: parents, Message: message, Committer: committer, When: when}}
	return sha
}

// flatEntry is a blob reachable from a root tree, by full path.
type flatEntry struct {
	Mode string
	SHA  string
}

// flatten lists every blob under tree by full path.
func (r *repo) flatten(tree string) map[string]flatEntry {
	out := map[string]flatEntry{}
	var walk func(sha, prefix string)
	walk = func(sha, prefix string) {
		o := r.objects[sha]
		if o == nil || o.typ != "tree" {
			return
		}
		for _, e := range o.tree {
			p := path.Join(prefix, e.Name)
			if e.Mode == modeDir {
				walk(e.SHA, p)
				continue
			}
			out[p] = flatEntry{Mode: e.Mode, SHA: e.SHA}
		}
	}
	walk(tree, "")
	return out
}

// buildTree writes the nested trees for a flat path→blob map and returns
// the root tree SHA. Empty directories disappear, as in git.
func (r *repo) buildTree(files map[string]flatEntry) string {
	type dir struct {
		files map[string]flatEntry
		dirs  map[string]*dir
	}
	newDir := func() *dir { return &dir{files: map[string]flatEntry{}, dirs: map[string]*dir{}} }
	root := newDir()
	for p, e := range files {
		parts := strings.Split(p, "/")
		d := root
		for _, part := range parts[:len(parts)-1] {
			if d.dirs[part] == nil {
				d.dirs[part] = newDir()
			}
			d = d.dirs[part]
		}
		d.files[parts[len(parts)-1]] = e
	}
	var write func(d *dir) string
	write = func(d *dir) string {
		var entries []treeEntry
		for name, e := range d.files {
			entries = append(entries, treeEntry{Mode: e.Mode, Name: name, SHA: e.SHA})
		}
		for name, sub := range d.dirs {
			entries = append(entries, treeEntry{Mode: modeDir, Name: name, SHA: write(sub)})
		}
		return r.putTree(entries)
	}
	return write(root)
}

// isAncestor reports whether anc is reachable from sha through parents.
func (r *repo) isAncestor(anc, sha string) bool {
	found := false
	r.walkHistory(sha, func(c string) bool { found = c == anc; return !found })
	return found
}

// walkHistory visits sha and its ancestors, each once, nearest first,
// until visit returns false.
func (r *repo) walkHistory(sha string, visit func(string) bool) {
	seen := map[string]bool{}
	queue := []string{sha}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if seen[c] {
			continue
		}
		seen[c] = true
		if !visit(c) {
			return
		}
		if o := r.objects[c]; o != nil && o.commit != nil {
			queue = append(queue, o.commit.Parents...)
		}
	}
}

// resolveTree turns a tree SHA, commit SHA or branch name into a tree SHA.
func (r *repo) resolveTree(name string) (string, bool) {
	if sha, ok := r.refs["refs/heads/"+name]; ok {
		name = sha
	}
	o := r.objects[name]
	switch {
	case o == nil:
		return "", false
	case o.typ == "tree":
		return name, true
	case o.typ == "commit":
		return o.commit.Tree, true
	}
	return "", false
}
