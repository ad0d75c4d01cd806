// Package serverless finds pinned layer versions in Serverless Framework
// service files (serverless.yml), resolving its ${...} variables where they
// are static.
package serverless

import "github.com/bumpbot/bumpbot/internal/rewrite/ref"

// Scan scans one serverless.yml. A file that does not parse yields a
// Warning with Unparsed set.
func Scan(f ref.File) ([]ref.Reference, []ref.Warning) {
	return nil, nil
}
