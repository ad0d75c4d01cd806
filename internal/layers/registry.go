// Package layers knows Lambda layers as AWS publishes them: the registries
// that list and describe layer versions (AWS Lambda, a local directory) and
// the rules that pick the version a pin should move to.
package layers

import (
	"context"
	"errors"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

// Version is the metadata of one published layer version. Versions are
// immutable, so a Version can be cached forever.
type Version struct {
	ARN                     layerarn.ARN
	Description             string
	CreatedDate             string
	CompatibleRuntimes      []string
	CompatibleArchitectures []string
	LicenseInfo             string
	CodeSha256              string
	CodeSize                int64
	// Location is where the layer zip can be downloaded: for AWS a
	// presigned S3 URL valid for about ten minutes; for the directory
	// registry a file:// URL. Fetch a fresh Version when it has expired.
	Location string
}

// Registry lists and describes layer versions. Implementations are safe for
// concurrent use.
type Registry interface {
	// Versions returns the existing version numbers of the layer named by
	// layer (its Version is ignored, except as the starting point of
	// probing when the caller may not list the layer), ascending.
	Versions(ctx context.Context, layer layerarn.ARN) ([]int, error)
	// Describe returns one version's metadata. A version that does not
	// exist (never published or deleted) answers an error for which
	// errors.Is(err, ErrNotFound) holds.
	Describe(ctx context.Context, version layerarn.ARN) (Version, error)
}

// Errors callers branch on.
var (
	// ErrNotFound: the layer version does not exist (or was deleted).
	ErrNotFound = errors.New("layer version not found")
	// ErrAccessDenied: the caller may not read this layer at all.
	ErrAccessDenied = errors.New("access denied")
	// ErrNoCredentials: no AWS credentials are configured.
	ErrNoCredentials = errors.New("no AWS credentials")
	// ErrThrottled: the registry kept throttling after the SDK's retries.
	ErrThrottled = errors.New("throttled")
)
