package layers_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
)

const demoRegistry = "../../testdata/registry"

func TestDirRegistry(t *testing.T) {
	t.Parallel()
	reg, err := layers.OpenRegistry(context.Background(), "dir:"+demoRegistry, layers.RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	vs, err := reg.Versions(ctx, mustARN(t, "arn:aws:lambda:eu-west-1:123456789012:layer:node-utils"))
	if err != nil || !cmp.Equal(vs, []int{10, 11, 14}) {
		t.Errorf("eu-west-1 versions = %v, %v; want [10 11 14]", vs, err)
	}
	vs, err = reg.Versions(ctx, mustARN(t, "arn:aws:lambda:us-east-1:123456789012:layer:node-utils"))
	if err != nil || !cmp.Equal(vs, []int{1, 2}) {
		t.Errorf("us-east-1 versions = %v, %v; want [1 2]", vs, err)
	}
	v, err := reg.Describe(ctx, mustARN(t, "arn:aws:lambda:us-east-1:123456789012:layer:requests-py312:7"))
	if err != nil {
		t.Fatal(err)
	}
	zip, err := os.ReadFile(filepath.Join(demoRegistry, "aws/us-east-1/123456789012/requests-py312/7.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if v.CodeSize != int64(len(zip)) || v.CodeSha256 != sha256Base64(zip) || !strings.HasPrefix(v.Location, "file:///") ||
		v.LicenseInfo != "Apache-2.0" || !cmp.Equal(v.CompatibleRuntimes, []string{"python3.11", "python3.12"}) {
		t.Errorf("describe = %+v", v)
	}
	if _, err := reg.Describe(ctx, mustARN(t, "arn:aws:lambda:us-east-1:123456789012:layer:requests-py312:4")); !errors.Is(err, layers.ErrNotFound) {
		t.Errorf("deleted version: err = %v, want ErrNotFound", err)
	}
	res, err := layers.Resolve(ctx, reg, layers.Request{Layer: mustARN(t, "arn:aws-cn:lambda:cn-north-1:123456789012:layer:requests-py312:1")})
	if err != nil || res.To != 2 {
		t.Errorf("aws-cn resolution = %d, %v; want 2", res.To, err)
	}
}

func TestDirRegistryAccessDenied(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	dir := filepath.Join(root, "aws/us-east-1/222222222222/secret")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"1.zip", "ACCESS_DENIED"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := layers.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Versions(context.Background(), mustARN(t, "arn:aws:lambda:us-east-1:222222222222:layer:secret")); !errors.Is(err, layers.ErrAccessDenied) {
		t.Errorf("err = %v, want ErrAccessDenied", err)
	}
}

// TestDemoRegistryIsCurrent regenerates the committed demo registry and
// compares: the zips are deterministic, so any difference means the
// committed files are stale.
func TestDemoRegistryIsCurrent(t *testing.T) {
	t.Parallel()
	fresh := t.TempDir()
	if err := layerstest.WriteDemoRegistry(fresh); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(fresh, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(fresh, p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(demoRegistry, rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("testdata/registry/%s is stale: run go run ./internal/layers/layerstest/genregistry testdata/registry", filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
