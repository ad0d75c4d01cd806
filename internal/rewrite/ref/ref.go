// Package ref holds what every format scanner produces: a Reference to a
// pinned layer version, with the positions an edit needs, and the helpers
// that turn ARNs found in evaluated strings back into file positions.
package ref

import (
	"fmt"
	"sort"
)

// Format names the kind of file a reference was found in.
type Format string

// The formats a reference can be found in.
const (
	Terraform      Format = "terraform"
	CloudFormation Format = "cloudformation"
	SAM            Format = "sam"
	CDK            Format = "cdk"
	Serverless     Format = "serverless"
	Pulumi         Format = "pulumi"
	Text           Format = "text"
)

// Pos is a position in a file. Line and Column are 1-based and count bytes;
// Offset is the 0-based byte offset and is not part of the JSON contract.
type Pos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Offset int    `json:"-"`
}

// Relocated returns a copy of p naming its file as rel says (relative to
// another directory, say), or nil for nil.
func Relocated(p *Pos, rel func(string) string) *Pos {
	if p == nil {
		return nil
	}
	q := *p
	q.File = rel(q.File)
	return &q
}

// String renders file:line:col.
func (p Pos) String() string { return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column) }

// Function is what the scanner knows about the function that consumes a
// layer, used by the compatibility checks when resolving versions.
type Function struct {
	Runtime       string   `json:"runtime,omitempty"`
	Architectures []string `json:"architectures,omitempty"`
}

// Reference is one pinned layer version found in a file.
type Reference struct {
	Pos                 // first byte of the ARN text (or of the expression building it)
	ARN       string    `json:"arn"`
	Partition string    `json:"partition"`
	Region    string    `json:"region"`
	Account   string    `json:"account"`
	Layer     string    `json:"layer"`
	Version   *int      `json:"version"`
	VersionAt *Pos      `json:"version_at"`
	Format    Format    `json:"format"`
	Context   string    `json:"context"`
	Function  *Function `json:"function,omitempty"`

	// VersionText is the version as written when it is a word rather
	// than a number (latest, $LATEST): AWS accepts only numbers, so the
	// pin is reported with the newest version to pin to. Version is nil.
	VersionText string `json:"version_text,omitempty"`
	// VersionTextAt locates VersionText when it is one run of the
	// file's bytes, which an edit can replace by a number.
	VersionTextAt *Pos `json:"-"`

	// VersionLen is the length in bytes of the literal at VersionAt.
	VersionLen int `json:"-"`
}

// File is a file's path (as it should be reported) and its bytes.
type File struct {
	Path string
	Src  []byte
}

// Sort orders references by file, then position, which is the order every
// output of bumpbot uses.
func Sort(refs []Reference) {
	sort.SliceStable(refs, func(i, j int) bool {
		a, b := refs[i], refs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Offset < b.Offset
	})
}
