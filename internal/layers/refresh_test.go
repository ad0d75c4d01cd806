package layers_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
)

// TestDescribeFreshBypassesCachedLocation drives the cache decorator over
// the real SDK: Describe reuses a Location, DescribeFresh makes exactly one
// GetLayerVersion call and the fresh Location is what Describe hands out
// afterwards.
func TestDescribeFreshBypassesCachedLocation(t *testing.T) {
	t.Parallel()
	srv := layerstest.New(t)
	srv.AddCaller("AKIDOTHER", "333333333333")
	srv.PublishPublic(publicLayer, 1, 3, layerstest.Meta{Zip: []byte("zip")})
	var issued atomic.Int32
	srv.SetLocation(func(arn string) string {
		return fmt.Sprintf("https://bucket.example/%s?X-Amz-Signature=%d", arn, issued.Add(1))
	})
	reg := srv.OpenRegistry(t, "AKIDOTHER", layers.RegistryOptions{CacheTTL: time.Minute})
	if _, ok := reg.(layers.Refresher); !ok {
		t.Fatalf("%T does not implement Refresher", reg)
	}
	v2 := mustARN(t, publicLayer+":2")
	ctx := context.Background()

	first, err := reg.Describe(ctx, v2)
	if err != nil {
		t.Fatal(err)
	}
	again, err := reg.Describe(ctx, v2)
	if err != nil {
		t.Fatal(err)
	}
	if again.Location != first.Location || srv.Calls(layerstest.OpGet) != 1 {
		t.Fatalf("Describe twice: %d calls, locations %q %q; want one call, the location reused", srv.Calls(layerstest.OpGet), first.Location, again.Location)
	}
	fresh, err := layers.DescribeFresh(ctx, reg, v2)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Location == first.Location || srv.Calls(layerstest.OpGet) != 2 {
		t.Errorf("DescribeFresh: %d calls in all, location %q; want a second call and a new location", srv.Calls(layerstest.OpGet), fresh.Location)
	}
	after, err := reg.Describe(ctx, v2)
	if err != nil {
		t.Fatal(err)
	}
	if after.Location != fresh.Location || srv.Calls(layerstest.OpGet) != 2 {
		t.Errorf("Describe after a refresh: %d calls, location %q; want the fresh location from the cache", srv.Calls(layerstest.OpGet), after.Location)
	}
}

// TestDescribeFreshFallsBack: a registry without Refresher answers as its
// Describe does.
func TestDescribeFreshFallsBack(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	reg, err := layers.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	_, err = layers.DescribeFresh(context.Background(), reg, mustARN(t, ownLayer+":1"))
	if !errors.Is(err, layers.ErrNotFound) {
		t.Fatalf("DescribeFresh of a version the directory lacks: err = %v, want ErrNotFound", err)
	}
}
