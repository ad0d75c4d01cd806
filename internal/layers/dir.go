package layers

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

// Dir is a registry read from a directory, for offline use, demos and
// tests. Layout (one directory level per ARN field):
//
//	PATH/<partition>/<region>/<account>/<layer>/<version>.zip   the layer content
//	PATH/<partition>/<region>/<account>/<layer>/<version>.json  optional metadata
//	PATH/<partition>/<region>/<account>/<layer>/ACCESS_DENIED   optional marker
//
// A version exists when its zip exists, so gaps (deleted versions) and
// different numbers per region are expressed by which files are present.
// The metadata file holds
//
//	{"description": "...", "created_date": "2024-05-01T10:00:00.000+0000",
//	 "compatible_runtimes": ["python3.12"], "compatible_architectures": ["x86_64"],
//	 "license_info": "MIT"}
//
// and every field is optional. Version.Location is a file:// URL to the
// zip, CodeSha256 the base64 of its SHA-256 and CodeSize its size, as AWS
// reports them. ACCESS_DENIED makes every call on the layer answer
// ErrAccessDenied, to rehearse a layer the caller may not read.
type Dir struct {
	root string
}

// OpenDir opens a directory registry rooted at root.
func OpenDir(root string) (*Dir, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("registry dir %s: %w", root, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("registry dir: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("registry dir %s: not a directory", root)
	}
	return &Dir{root: abs}, nil
}

// dirMeta is the optional <version>.json.
type dirMeta struct {
	Description             string   `json:"description"`
	CreatedDate             string   `json:"created_date"`
	CompatibleRuntimes      []string `json:"compatible_runtimes"`
	CompatibleArchitectures []string `json:"compatible_architectures"`
	LicenseInfo             string   `json:"license_info"`
}

func (d *Dir) layerDir(a layerarn.ARN) string {
	return filepath.Join(d.root, a.Partition, a.Region, a.Account, a.Name)
}

// check fails when the layer is not in the registry or is marked denied.
func (d *Dir) check(a layerarn.ARN) (string, error) {
	dir := d.layerDir(a)
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("%s: layer not in registry: %w", a.LayerARN(), ErrNotFound)
	}
	if _, err := os.Stat(filepath.Join(dir, "ACCESS_DENIED")); err == nil {
		return "", fmt.Errorf("%s: %w", a.LayerARN(), ErrAccessDenied)
	}
	return dir, nil
}

// Versions implements Registry.
func (d *Dir) Versions(ctx context.Context, layer layerarn.ARN) ([]int, error) {
	l, err := d.Listing(ctx, layer)
	return l.Versions, err
}

// Listing implements Lister; a directory listing is always complete.
func (d *Dir) Listing(_ context.Context, layer layerarn.ARN) (Listing, error) {
	dir, err := d.check(layer)
	if err != nil {
		return Listing{}, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return Listing{}, fmt.Errorf("registry: %w", err)
	}
	l := Listing{Complete: true}
	for _, e := range entries {
		num, ok := strings.CutSuffix(e.Name(), ".zip")
		if v, err := strconv.Atoi(num); ok && err == nil && v > 0 && !e.IsDir() {
			l.Versions = append(l.Versions, v)
		}
	}
	sort.Ints(l.Versions)
	return l, nil
}

// Describe implements Registry.
func (d *Dir) Describe(_ context.Context, version layerarn.ARN) (Version, error) {
	dir, err := d.check(version)
	if err != nil {
		return Version{}, err
	}
	base := filepath.Join(dir, strconv.Itoa(version.Version))
	// Hashed as a stream: a layer may be hundreds of MB.
	sum, size, err := hashFile(base + ".zip")
	if errors.Is(err, fs.ErrNotExist) || version.Version < 1 {
		return Version{}, fmt.Errorf("%s: %w", version, ErrNotFound)
	}
	if err != nil {
		return Version{}, fmt.Errorf("registry: %w", err)
	}
	var m dirMeta
	if b, err := os.ReadFile(base + ".json"); err == nil {
		if err := json.Unmarshal(b, &m); err != nil {
			return Version{}, fmt.Errorf("%s.json: %w", base, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return Version{}, fmt.Errorf("registry: %w", err)
	}
	loc := url.URL{Scheme: "file", Path: filepath.ToSlash(base + ".zip")}
	return Version{
		ARN:                     version,
		Description:             m.Description,
		CreatedDate:             m.CreatedDate,
		CompatibleRuntimes:      m.CompatibleRuntimes,
		CompatibleArchitectures: m.CompatibleArchitectures,
		LicenseInfo:             m.LicenseInfo,
		CodeSha256:              base64.StdEncoding.EncodeToString(sum),
		CodeSize:                size,
		Location:                loc.String(),
	}, nil
}

// hashFile returns a file's SHA-256 and size.
func hashFile(name string) ([]byte, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return nil, 0, err
	}
	return h.Sum(nil), n, nil
}
