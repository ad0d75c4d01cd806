package bump

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/changelog"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

const (
	stackAcct = "111111111111"
	mb        = 1 << 20
	site      = "python/lib/python3.12/site-packages/"
)

// pyPackage is the files pip puts in site-packages for one distribution:
// the import package and its .dist-info.
func pyPackage(name, version string, files ...string) []layerziptest.Entry {
	di := site + name + "-" + version + ".dist-info/"
	out := []layerziptest.Entry{
		{Name: di + "METADATA", Data: []byte("Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n")},
		{Name: di + "RECORD", Data: []byte(name + "/__init__.py,,\n")},
	}
	for _, f := range append([]string{"__init__.py"}, files...) {
		out = append(out, layerziptest.Entry{Name: site + name + "/" + f, Data: []byte("# " + name + " " + version + "\n")})
	}
	return out
}

// stackRegistry publishes layer versions (name:version -> content) in
// us-east-1 of stackAcct through the fakes of Lambda and of the content
// location, and returns the registry and the changelog that reads their
// zips.
func stackRegistry(t *testing.T, versions map[string][]layerziptest.Entry) (layers.Registry, PackageChangelog) {
	t.Helper()
	zips := map[string][]byte{}
	for nv, entries := range versions {
		zips["arn:aws:lambda:us-east-1:"+stackAcct+":layer:"+nv] = layerziptest.BuildZip(t, entries, layerziptest.Shape{})
	}
	reg := layerstest.WithContents(t, zips)
	return reg, PackageChangelog{Builder: &changelog.Builder{Registry: reg}}
}

func stackPin(name string, v int) string {
	return fmt.Sprintf("%q", fmt.Sprintf("arn:aws:lambda:us-east-1:%s:layer:%s:%d", stackAcct, name, v))
}

func tfFunction(name string, pins ...string) string {
	return fmt.Sprintf("resource \"aws_lambda_function\" %q {\n  runtime = \"python3.12\"\n  layers = [%s]\n}\n", name, strings.Join(pins, ", "))
}

// A bump that grows a function's layers past 250 MB unzipped is an error
// with the numbers, located at the bumped pin; the bumped layer dropping
// its copy of urllib3 makes the function see the earlier layer's, which
// is said too, and so is the package one layer hides of another.
func TestStackSizeAndShadowingAfterBump(t *testing.T) {
	t.Parallel()
	model := append(pyPackage("urllib3", "1.26.18", "connection.py", "util/retry.py"),
		layerziptest.Entry{Name: "model/weights.bin", Zeros: 110 * mb})
	model = append(model, pyPackage("requests", "2.28.0", "api.py")...)
	deps1 := append(pyPackage("numpy", "1.26.4", "core/_multiarray_umath.cpython-312-x86_64-linux-gnu.so"),
		layerziptest.Entry{Name: site + "numpy.libs/libopenblas64_p-r0-0cf96a72.3.23.dev.so", Zeros: 100 * mb})
	deps1 = append(deps1, pyPackage("urllib3", "2.2.1", "connection.py", "util/retry.py")...)
	deps2 := append(pyPackage("numpy", "2.0.0", "core/_multiarray_umath.cpython-312-x86_64-linux-gnu.so"),
		layerziptest.Entry{Name: site + "numpy.libs/libopenblas64_p-r0-0cf96a72.3.23.dev.so", Zeros: 140 * mb})
	deps2 = append(deps2, pyPackage("requests", "2.32.3", "api.py")...)
	reg, cl := stackRegistry(t, map[string][]layerziptest.Entry{"model:1": model, "deps:1": deps1, "deps:2": deps2})
	tf := tfFunction("f", stackPin("model", 1), stackPin("deps", 1)) + tfFunction("g", stackPin("model", 1))
	plan := PlanFiles(context.Background(), []ref.File{{Path: "main.tf", Src: []byte(tf)}}, reg, Options{Changelog: cl})
	got := summarize(plan)
	if len(got.Changes) != 1 || got.Changes[0] != "main.tf:3 deps 1->2" {
		t.Fatalf("changes %q", got.Changes)
	}
	matchAll(t, "error", []string{
		"[stack-size] main.tf:3:69: aws_lambda_function.f: its 2 layers unzip to 250.0 MB (262,144,450 bytes)",
	}, got.Errors)
	if e := got.Errors[0]; !strings.Contains(e, "after this bump (210.0 MB (220,201,422 bytes) before)") || !strings.Contains(e, "over the 250.0 MB (262,144,000 bytes) AWS allows") || !strings.Contains(e, "function's own code adds to it") {
		t.Errorf("size error %q", e)
	}
	matchAll(t, "note", []string{
		// The dist-info directories differ by version: the import
		// package's two files are the ones hidden.
		"[shadowed] main.tf:3:69: aws_lambda_function.f: layer deps:2 hides files of layer model:1, which comes before it: " + site + "requests (2 files, 2.32.3 over 2.28.0); the function sees deps:2's",
		"[shadowed] main.tf:3:69: aws_lambda_function.f: this bump changes which layer's files the function sees for " + site + "requests (2 files): layer model:1's before, layer deps:2's after",
		"[shadowed] main.tf:3:69: aws_lambda_function.f: this bump changes which layer's files the function sees for " + site + "urllib3 (3 files): layer deps:1's before, layer model:1's after",
	}, got.Notes)
}

// A stack within 10% of the limit is a note, and one well under it says
// nothing; the stack's size does not count what could not be read.
func TestStackNearTheLimit(t *testing.T) {
	t.Parallel()
	big := []layerziptest.Entry{{Name: "bin/ffmpeg", Zeros: 240 * mb}}
	small := pyPackage("six", "1.16.0")
	reg, cl := stackRegistry(t, map[string][]layerziptest.Entry{"ffmpeg:3": big, "six:1": small})
	tf := tfFunction("near", stackPin("ffmpeg", 3), stackPin("six", 1)) + tfFunction("far", stackPin("six", 1))
	plan := PlanFiles(context.Background(), []ref.File{{Path: "main.tf", Src: []byte(tf)}}, reg, Options{Changelog: cl})
	got := summarize(plan)
	if len(got.Errors) != 0 {
		t.Errorf("errors %q", got.Errors)
	}
	matchAll(t, "note", []string{"[stack-size] main.tf:3:14: aws_lambda_function.near: its 2 layers unzip to 240.0 MB (251,658,"}, got.Notes)
	if len(got.Notes) == 1 && !strings.Contains(got.Notes[0], "within 10% of the 250.0 MB (262,144,000 bytes)") {
		t.Errorf("note %q", got.Notes[0])
	}
}

// nodePackage is an npm package as a layer holds it under
// nodejs/node_modules.
func nodePackage(name, version string) []layerziptest.Entry {
	dir := "nodejs/node_modules/" + name + "/"
	return []layerziptest.Entry{
		{Name: dir + "package.json", Data: []byte(`{"name":"` + name + `","version":"` + version + `"}`)},
		{Name: dir + "index.js", Data: []byte("module.exports = require('./lib/" + name + "');\n")},
	}
}

// Two Node.js layers holding one package: the later layer's copy is the
// one the function loads, with both versions named; packages in the
// other layer only are not mentioned, and no bump means no change noted.
func TestStackShadowingNode(t *testing.T) {
	t.Parallel()
	utils := append(nodePackage("axios", "1.6.0"), nodePackage("lodash", "4.17.21")...)
	sdk := append(nodePackage("axios", "1.7.2"), nodePackage("@aws-sdk/client-s3", "3.600.0")...)
	reg, cl := stackRegistry(t, map[string][]layerziptest.Entry{"utils:1": utils, "sdk:2": sdk})
	tf := tfFunction("f", stackPin("utils", 1), stackPin("sdk", 2))
	plan := PlanFiles(context.Background(), []ref.File{{Path: "main.tf", Src: []byte(tf)}}, reg, Options{Changelog: cl})
	got := summarize(plan)
	matchAll(t, "note", []string{"[shadowed] main.tf:3:69: aws_lambda_function.f: layer sdk:2 hides files of layer utils:1, which comes before it: nodejs/node_modules/axios (2 files, 1.7.2 over 1.6.0); the function sees sdk:2's"}, got.Notes)
	if len(got.Errors) != 0 || len(got.Changes) != 0 {
		t.Errorf("errors %q, changes %q", got.Errors, got.Changes)
	}
}
