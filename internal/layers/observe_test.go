package layers_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
)

// TestObserveCalls: every Lambda API call of the AWS registry reaches the
// observer once, named by operation, with its outcome: a third-party layer
// is listed (denied), then probed; a missing version is an error.
func TestObserveCalls(t *testing.T) {
	t.Parallel()
	srv := layerstest.New(t)
	srv.AddCaller("AKIDOBS", "444444444444")
	srv.PublishPublic(publicLayer, 1, 2, layerstest.Meta{})
	var (
		mu    sync.Mutex
		calls = map[string]int{}
		fails = map[string]int{}
	)
	reg := srv.OpenRegistry(t, "AKIDOBS", layers.RegistryOptions{CacheTTL: -1, Observe: func(op string, err error) {
		mu.Lock()
		defer mu.Unlock()
		calls[op]++
		if err != nil {
			fails[op]++
		}
	}})
	pin, err := layerarn.Parse(publicLayer + ":1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Versions(context.Background(), pin); err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Describe(context.Background(), pin.WithVersion(9)); !errors.Is(err, layers.ErrNotFound) && !errors.Is(err, layers.ErrAccessDenied) {
		t.Fatalf("Describe of a missing version: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls["ListLayerVersions"] != 1 || fails["ListLayerVersions"] != 1 {
		t.Errorf("ListLayerVersions observed %d times, %d failed; want 1 denied", calls["ListLayerVersions"], fails["ListLayerVersions"])
	}
	if probes := srv.Calls(layerstest.OpGetByArn); calls["GetLayerVersionByArn"] != probes || probes == 0 {
		t.Errorf("GetLayerVersionByArn observed %d times, the fake served %d", calls["GetLayerVersionByArn"], probes)
	}
	if calls["GetLayerVersion"] != 1 || fails["GetLayerVersion"] != 1 {
		t.Errorf("GetLayerVersion observed %d times, %d failed; want 1 failed", calls["GetLayerVersion"], fails["GetLayerVersion"])
	}
}
