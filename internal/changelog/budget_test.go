package changelog

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layerzip"
	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// TestBuildHostileLayers: a changelog between two overlap bombs ends with
// notes on both sides, from a read budget, and caches the inventories
// (the budget is deterministic).
func TestBuildHostileLayers(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	publish(t, root, 3, layerziptest.OverlapBomb(500, 1<<20+4096, 1), "")
	publish(t, root, 5, layerziptest.OverlapBomb(500, 1<<20+4096, 2), "")
	reg, err := layers.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	cache := &Cache{Dir: t.TempDir()}
	c, err := (&Builder{Registry: reg, Cache: cache}).Build(context.Background(), arn(t, 3), arn(t, 5))
	if err != nil {
		t.Fatal(err)
	}
	md := c.Markdown()
	for _, want := range []string{"version 3: skipped 499 entries whose data overlaps", "version 5: skipped 499 entries whose data overlaps"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if entries, _ := os.ReadDir(cache.Dir); len(entries) != 2 {
		t.Errorf("%d cache entries, want 2", len(entries))
	}
}

// TestBuildTimeBudgetNotCached: an inventory cut by MaxReadTime depends
// on the machine's speed and is not cached.
func TestBuildTimeBudgetNotCached(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	publish(t, root, 3, layerziptest.DeepNodeModules(50, 3, 1), "")
	publish(t, root, 5, layerziptest.DeepNodeModules(50, 3, 2), "")
	reg, err := layers.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	cache := &Cache{Dir: t.TempDir()}
	b := &Builder{Registry: reg, Cache: cache, Limits: layerzip.Limits{MaxReadTime: 1}}
	c, err := b.Build(context.Background(), arn(t, 3), arn(t, 5))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Markdown(), "the MaxReadTime limit") {
		t.Errorf("markdown lacks the time budget note:\n%s", c.Markdown())
	}
	if entries, _ := os.ReadDir(cache.Dir); len(entries) != 0 {
		t.Errorf("%d cache entries, want none: a cut inventory must be read again", len(entries))
	}
}

// TestBuildCancelled: a cancelled job gets an error wrapping
// context.Canceled, not a changelog whose notes say "context canceled".
func TestBuildCancelled(t *testing.T) {
	t.Parallel()
	srv := layerziptest.New(t)
	reg := &liveRegistry{srv: srv, zips: map[int][]byte{3: txtarZip(t, "python-1.txtar"), 5: txtarZip(t, "python-2.txtar")}, describes: map[int]int{}}
	for v, z := range reg.zips {
		srv.Put(fmt.Sprint(v), z)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, err := (&Builder{Registry: reg}).Build(ctx, arn(t, 3), arn(t, 5))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, changelog %+v: want context.Canceled", err, c)
	}
}
