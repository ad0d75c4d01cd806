package pulumi

import (
	"maps"
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/text"
	"github.com/bumpbot/bumpbot/internal/rewrite/yamlpos"
)

// IsProjectFile reports whether a file name is a Pulumi project file,
// Pulumi.yaml (or .yml).
func IsProjectFile(name string) bool {
	base := strings.ToLower(path.Base(name))
	return base == "pulumi.yaml" || base == "pulumi.yml"
}

// IsStackFile reports whether a file name is a Pulumi stack configuration
// file, Pulumi.<stack>.yaml (or .yml).
func IsStackFile(name string) bool {
	return stackName(name) != ""
}

// stackName is the stack a stack configuration file configures, or "".
func stackName(name string) string {
	base := path.Base(name)
	lower := strings.ToLower(base)
	ext := path.Ext(lower)
	// Pulumi.yaml is the project file, not the stack "" (prefix and
	// extension overlap in its name).
	if !strings.HasPrefix(lower, "pulumi.") || (ext != ".yaml" && ext != ".yml") || len(base) <= len("pulumi.")+len(ext) {
		return ""
	}
	return base[len("pulumi.") : len(base)-len(ext)]
}

// ScanProject scans a Pulumi YAML program together with the stack
// configuration files of its directory (Pulumi.<stack>.yaml), whose
// config values override the program's config defaults for that stack.
// files holds one Pulumi.yaml and any number of stack files.
//
// A reference is reported as the defaults make it, and once more for each
// stack that sets a value it is built from (the stack named in its
// context), located where that stack writes the value: bumping the
// default alone would edit a value the stack never deploys. The default's
// reference is left out when every stack sets its own value, since no
// deployment uses it; when some stack does not, the default is what that
// stack deploys and is reported too. A stack's value kept as a secret
// (secure:) cannot be read: that stack's reference keeps ${name} as a
// placeholder and is not edited. ARNs written in a stack file that the
// program does not use are found as text. A file that does not parse is a
// problem of kind problem.Parse, and the other files are still scanned.
func ScanProject(files []ref.File) ([]ref.Reference, []problem.Problem) {
	var program *ref.File
	var stacks []stack
	var refs []ref.Reference
	var warns []problem.Problem
	var stackFiles []ref.File
	for i, f := range files {
		if IsProjectFile(f.Path) && program == nil {
			program = &files[i]
			continue
		}
		stackFiles = append(stackFiles, f)
	}
	// Stacks in name order, whatever order the caller lists them in.
	sort.SliceStable(stackFiles, func(i, j int) bool { return stackFiles[i].Path < stackFiles[j].Path })
	project := ""
	if program != nil {
		project = projectName(*program)
	}
	for _, f := range stackFiles {
		s, probs := loadStack(f, project)
		warns = append(warns, probs...)
		if probs == nil {
			stacks = append(stacks, s)
		}
	}
	if program != nil {
		prefs, probs := scanProject(*program, stacks)
		refs, warns = append(refs, prefs...), append(warns, probs...)
	}
	for _, f := range stackFiles {
		refs = append(refs, unused(text.Scan(f, text.CommentsFor(f.Path)), refs)...)
	}
	ref.Sort(refs)
	return refs, warns
}

// stack is the configuration of one stack: the values it sets, by the
// name ${name} uses.
type stack struct {
	name   string
	values map[string]value
}

// over returns the values of a program as this stack sees them.
func (s stack) over(base map[string]value) map[string]value {
	out := maps.Clone(base)
	maps.Copy(out, s.values)
	return out
}

// projectName is the name a program's project has, which namespaces its
// keys in stack files ("api:layerVersion"), or "".
func projectName(f ref.File) string {
	docs, err := yamlpos.Documents(f.Src)
	if err != nil || len(docs) == 0 {
		return ""
	}
	if n := yamlpos.Lookup(docs[0], "name"); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// loadStack reads a stack file's config. Keys of the project's namespace
// ("project:name") or of none are the names ${name} uses; keys of other
// namespaces keep them ("aws:region"). A value is a scalar, or a mapping
// with value: (a scalar) or secure: (a secret, nil here); any other value
// is structured and stands for no string.
func loadStack(f ref.File, project string) (s stack, warns []problem.Problem) {
	var none []ref.Reference
	defer yamlpos.Recover(f.Path, &none, &warns) // yaml.v3 has panicked on hostile input
	sc, docs, probs := yamlpos.Load(f)
	if probs != nil {
		return stack{}, probs
	}
	s = stack{name: stackName(f.Path), values: map[string]value{}}
	if len(docs) == 0 {
		return s, nil
	}
	m := yamlpos.Lookup(docs[0], "config")
	if m == nil || m.Kind != yaml.MappingNode {
		return s, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, v := m.Content[i].Value, m.Content[i+1]
		if ns, name, ok := strings.Cut(key, ":"); ok && ns == project {
			key = name
		}
		switch {
		case v.Kind == yaml.ScalarNode:
			s.values[key] = value{v, sc}
		case yamlpos.Lookup(v, "secure") != nil:
			s.values[key] = value{}
		case yamlpos.Lookup(v, "value") != nil && yamlpos.Lookup(v, "value").Kind == yaml.ScalarNode:
			s.values[key] = value{yamlpos.Lookup(v, "value"), sc}
		}
	}
	return s, nil
}

// withStacks merges the references of the defaults with those of each
// stack, as ScanProject says: a stack's reference is kept when it differs
// from the default's at the same place (its ARN or where its version is
// written), and the default's is dropped when every stack differs.
func withStacks(base []ref.Reference, stacks []stack, scan func(stack) []ref.Reference) []ref.Reference {
	if len(stacks) == 0 {
		return base
	}
	byKey := map[siteKey]ref.Reference{}
	for k, r := range keyed(base) {
		byKey[k] = r
	}
	overridden := map[siteKey]int{}
	var own []ref.Reference
	for _, s := range stacks {
		for k, r := range keyed(scan(s)) {
			if b, ok := byKey[k]; ok && sameValue(b, r) {
				continue
			}
			overridden[k]++
			r.Context = "stack " + s.name + ": " + r.Context
			own = append(own, r)
		}
	}
	var out []ref.Reference
	for k, r := range keyed(base) {
		if overridden[k] < len(stacks) {
			out = append(out, r)
		}
	}
	// The default first, then the stacks in file order: the sort by
	// position that follows is stable.
	return append(out, own...)
}

// siteKey names a reference of a program whatever values built it: where
// it is reported, and which of the ARNs found there it is.
type siteKey struct {
	off, nth int
	context  string
}

// keyed yields each reference with its siteKey.
func keyed(refs []ref.Reference) func(func(siteKey, ref.Reference) bool) {
	return func(yield func(siteKey, ref.Reference) bool) {
		seen := map[siteKey]int{}
		for _, r := range refs {
			k := siteKey{off: r.Offset, context: r.Context}
			n := seen[k]
			seen[k]++
			k.nth = n
			if !yield(k, r) {
				return
			}
		}
	}
}

// sameValue reports whether two references read the same ARN from the
// same bytes.
func sameValue(a, b ref.Reference) bool {
	return a.ARN == b.ARN && samePos(a.VersionAt, b.VersionAt) && samePos(a.VersionTextAt, b.VersionTextAt)
}

func samePos(a, b *ref.Pos) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.File == b.File && a.Offset == b.Offset
}

// unused returns the literal references of a stack file whose version the
// program's references do not already locate.
func unused(lits, refs []ref.Reference) []ref.Reference {
	var out []ref.Reference
	for _, l := range lits {
		found := false
		for _, r := range refs {
			if r.VersionAt != nil && l.VersionAt != nil && samePos(r.VersionAt, l.VersionAt) || r.File == l.File && r.Offset == l.Offset {
				found = true
				break
			}
		}
		if !found {
			out = append(out, l)
		}
	}
	return out
}
