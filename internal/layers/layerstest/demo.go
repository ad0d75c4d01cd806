package layerstest

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// DemoVersion is one version of the demo registry.
type DemoVersion struct {
	Partition, Region, Account, Layer string
	Version                           int
	Description                       string
	Runtimes, Architectures           []string
	License                           string
	// Files of the zip, path -> content, laid out as Lambda extracts
	// layers into /opt.
	Files map[string]string
}

// DemoRegistry lists the versions of the registry in testdata/registry,
// newer versions of the layers testdata/demo pins, with gaps (deleted
// versions), different numbers per region, a runtime that newer versions
// dropped, and one layer in the China partition.
func DemoRegistry() []DemoVersion {
	var out []DemoVersion
	add := func(v DemoVersion) { out = append(out, v) }

	requests := func(v int, desc string, pkgs ...string) DemoVersion {
		return DemoVersion{Partition: "aws", Region: "us-east-1", Account: "123456789012", Layer: "requests-py312",
			Version: v, Description: desc, Runtimes: []string{"python3.11", "python3.12"},
			Architectures: []string{"x86_64", "arm64"}, License: "Apache-2.0", Files: pythonPackages("3.12", pkgs...)}
	}
	add(requests(1, "requests 2.28.2", "requests==2.28.2", "urllib3==1.26.15", "certifi==2022.12.7", "idna==3.4"))
	add(requests(2, "requests 2.31.0", "requests==2.31.0", "urllib3==2.0.2", "certifi==2023.5.7", "idna==3.4"))
	add(requests(3, "requests 2.31.0", "requests==2.31.0", "urllib3==2.0.4", "certifi==2023.7.22", "idna==3.4"))
	// version 4 was deleted
	add(requests(5, "requests 2.31.0", "requests==2.31.0", "urllib3==2.2.1", "certifi==2024.2.2", "idna==3.6"))
	add(requests(6, "requests 2.32.2", "requests==2.32.2", "urllib3==2.2.1", "certifi==2024.2.2", "idna==3.7"))
	add(requests(7, "requests 2.32.3", "requests==2.32.3", "urllib3==2.2.2", "certifi==2024.7.4", "idna==3.7", "charset-normalizer==3.3.2"))
	cn := requests(1, "requests 2.31.0", "requests==2.31.0", "urllib3==2.0.4", "certifi==2023.7.22", "idna==3.4")
	cn.Partition, cn.Region = "aws-cn", "cn-north-1"
	add(cn)
	cn.Version, cn.Description, cn.Files = 2, "requests 2.32.3", pythonPackages("3.12", "requests==2.32.3", "urllib3==2.2.2", "certifi==2024.7.4", "idna==3.7")
	add(cn)

	pandas := func(v int, runtimes []string, pyver string, pkgs ...string) DemoVersion {
		return DemoVersion{Partition: "aws", Region: "us-east-1", Account: "123456789012", Layer: "pandas-py",
			Version: v, Description: "pandas " + strings.TrimPrefix(pkgs[0], "pandas=="), Runtimes: runtimes,
			Architectures: []string{"x86_64"}, License: "BSD-3-Clause", Files: pythonPackages(pyver, pkgs...)}
	}
	add(pandas(1, []string{"python3.10", "python3.11"}, "3.11", "pandas==2.0.3", "numpy==1.25.2"))
	add(pandas(2, []string{"python3.10", "python3.11"}, "3.11", "pandas==2.1.4", "numpy==1.26.2"))
	add(pandas(3, []string{"python3.11", "python3.12"}, "3.11", "pandas==2.2.2", "numpy==1.26.4"))
	add(pandas(4, []string{"python3.12", "python3.13"}, "3.12", "pandas==2.2.3", "numpy==2.1.3"))

	node := func(region string, v int, pkgs ...string) DemoVersion {
		return DemoVersion{Partition: "aws", Region: region, Account: "123456789012", Layer: "node-utils",
			Version: v, Description: "shared Node.js utilities", Runtimes: []string{"nodejs18.x", "nodejs20.x"},
			Architectures: []string{"x86_64", "arm64"}, License: "MIT", Files: nodePackages(pkgs...)}
	}
	// eu-west-1: 12 and 13 were deleted; us-east-1 numbers its own way.
	add(node("eu-west-1", 10, "lodash@4.17.20", "dayjs@1.11.7"))
	add(node("eu-west-1", 11, "lodash@4.17.21", "dayjs@1.11.9"))
	add(node("eu-west-1", 14, "lodash@4.17.21", "dayjs@1.11.13", "zod@3.23.8"))
	add(node("us-east-1", 1, "lodash@4.17.21", "dayjs@1.11.9"))
	add(node("us-east-1", 2, "lodash@4.17.21", "dayjs@1.11.13", "zod@3.23.8"))

	for _, v := range []int{38, 45, 49, 52} {
		add(DemoVersion{Partition: "aws", Region: "us-east-1", Account: "580247275435", Layer: "LambdaInsightsExtension",
			Version: v, Description: fmt.Sprintf("Lambda Insights extension 1.0.%d.0", 200+v), Architectures: []string{"x86_64"},
			Files: map[string]string{"extensions/cloudwatch_lambda_agent": fmt.Sprintf("#!/bin/sh\n# Lambda Insights agent 1.0.%d.0 (stub)\n", 200+v)}})
	}
	for _, p := range []struct {
		v   int
		ver string
	}{{46, "2.26.0"}, {60, "2.31.0"}, {79, "2.43.1"}} {
		add(DemoVersion{Partition: "aws", Region: "eu-west-1", Account: "017000801446", Layer: "AWSLambdaPowertoolsPythonV2",
			Version: p.v, Description: "Powertools for AWS Lambda (Python) V2 " + p.ver,
			Runtimes:      []string{"python3.8", "python3.9", "python3.10", "python3.11", "python3.12"},
			Architectures: []string{"x86_64"}, License: "MIT-0",
			Files: pythonFlat("aws_lambda_powertools=="+p.ver, "aws_xray_sdk==2.14.0", "wrapt==1.16.0")})
	}
	return out
}

// pythonPackages lays packages out under python/lib/pythonX.Y/site-packages
// with a dist-info METADATA each, as pip --target does.
func pythonPackages(pyver string, pkgs ...string) map[string]string {
	return pythonUnder("python/lib/python"+pyver+"/site-packages/", pkgs)
}

// pythonFlat lays packages out directly under python/.
func pythonFlat(pkgs ...string) map[string]string { return pythonUnder("python/", pkgs) }

func pythonUnder(dir string, pkgs []string) map[string]string {
	files := map[string]string{}
	for _, p := range pkgs {
		name, ver, _ := strings.Cut(p, "==")
		mod := strings.ReplaceAll(name, "-", "_")
		files[dir+mod+"-"+ver+".dist-info/METADATA"] = fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\n", name, ver)
		files[dir+mod+"/__init__.py"] = fmt.Sprintf("__version__ = %q\n", ver)
	}
	return files
}

// nodePackages lays packages out under nodejs/node_modules.
func nodePackages(pkgs ...string) map[string]string {
	files := map[string]string{}
	for _, p := range pkgs {
		name, ver, _ := strings.Cut(p, "@")
		files["nodejs/node_modules/"+name+"/package.json"] = fmt.Sprintf("{\n  \"name\": %q,\n  \"version\": %q\n}\n", name, ver)
	}
	return files
}

// demoTime is the modification time of every zip entry, so the zips are
// byte-identical from one generation to the next.
var demoTime = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// Zip builds the layer zip of v, deterministically.
func (v DemoVersion) Zip() ([]byte, error) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	names := make([]string, 0, len(v.Files))
	for n := range v.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		f, err := w.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: demoTime})
		if err != nil {
			return nil, err
		}
		if _, err := f.Write([]byte(v.Files[n])); err != nil {
			return nil, err
		}
	}
	err := w.Close()
	return buf.Bytes(), err
}

// metaJSON is the <version>.json of the directory registry layout.
func (v DemoVersion) metaJSON() ([]byte, error) {
	b, err := json.MarshalIndent(map[string]any{
		"description":              v.Description,
		"created_date":             demoTime.AddDate(0, 0, v.Version).Format("2006-01-02T15:04:05.000-0700"),
		"compatible_runtimes":      nonNil(v.Runtimes),
		"compatible_architectures": nonNil(v.Architectures),
		"license_info":             v.License,
	}, "", "  ")
	return append(b, '\n'), err
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// WriteDemoRegistry writes DemoRegistry under root in the directory
// registry layout (see layers.Dir).
func WriteDemoRegistry(root string) error {
	for _, v := range DemoRegistry() {
		dir := filepath.Join(root, v.Partition, v.Region, v.Account, v.Layer)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		z, err := v.Zip()
		if err != nil {
			return err
		}
		m, err := v.metaJSON()
		if err != nil {
			return err
		}
		base := filepath.Join(dir, fmt.Sprint(v.Version))
		if err := os.WriteFile(base+".zip", z, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(base+".json", m, 0o644); err != nil {
			return err
		}
	}
	return nil
}
