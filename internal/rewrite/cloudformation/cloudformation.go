// Package cloudformation finds pinned layer versions in CloudFormation and
// SAM templates, YAML or JSON.
package cloudformation

import "github.com/bumpbot/bumpbot/internal/rewrite/ref"

// Detect reports whether src is a CloudFormation template (recognized by
// content, not by name) and whether it is a SAM one.
func Detect(src []byte) (ref.Format, bool) {
	return "", false
}

// Scan scans one template. A template that does not parse yields a Warning
// with Unparsed set.
func Scan(f ref.File, format ref.Format) ([]ref.Reference, []ref.Warning) {
	return nil, nil
}
