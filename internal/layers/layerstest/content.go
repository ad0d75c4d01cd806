package layerstest

import (
	"testing"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// WithContents starts a fake endpoint publishing the given layer versions
// (version ARN -> zip) for runtime python3.12, their Content.Location on
// a content server that honours Range, and returns the registry the real
// SDK reads them through, as the owner (AKIDOWNER, account 111111111111).
func WithContents(tb testing.TB, zips map[string][]byte) layers.Registry {
	tb.Helper()
	lambda, content := New(tb), layerziptest.New(tb)
	for arn, z := range zips {
		lambda.Publish(arn, Meta{Zip: z, Runtimes: []string{"python3.12"}})
		content.Put(arn, z)
	}
	lambda.SetLocation(content.URLFor)
	return lambda.OpenRegistry(tb, "AKIDOWNER", layers.RegistryOptions{})
}
