package layers_test

import (
	"context"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
)

// TestMotoSecondOpinion publishes layer versions into moto (an AWS
// emulator written by others) with the real SDK and resolves them through
// the AWS registry: a check of the list path against a second
// implementation of the wire protocol. Moto has no GetLayerVersionByArn,
// so probing is covered by the layerstest fake only.
func TestMotoSecondOpinion(t *testing.T) {
	endpoint := layerstest.StartMoto(t)
	t.Parallel()
	layerARN, published := layerstest.MotoPublish(t, endpoint, "moto-layer", 53) // more than one page of 50
	opts := layerstest.MotoConfig(endpoint)
	// The registry as bumpbot opens it, unchanged: moto lists nothing for
	// a layer ARN given as LayerName, and the registry's by-name retry
	// (kept to this layer's ARN) is what makes it work there.
	reg, err := layers.OpenRegistry(context.Background(), "aws", layers.RegistryOptions{ConfigOptions: opts})
	if err != nil {
		t.Fatal(err)
	}
	res, err := layers.Resolve(context.Background(), reg, layers.Request{
		Layer: mustARN(t, layerARN+":3"), Runtime: "python3.12",
	})
	if err != nil {
		t.Fatal(err)
	}
	newest := layerstest.Newest(published)
	if res.To != newest || res.ToVersion.Description != published[newest] || res.FromVersion.Description != published[3] {
		t.Errorf("resolution = %d (%q from %q), want %d (%q from %q)", res.To, res.ToVersion.Description, res.FromVersion.Description,
			newest, published[newest], published[3])
	}
}
