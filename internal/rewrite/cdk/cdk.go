// Package cdk finds pinned layer versions in AWS CDK apps: context files
// (cdk.json, cdk.context.json) and string literals of app sources.
package cdk

import "github.com/bumpbot/bumpbot/internal/rewrite/ref"

// ScanContext scans cdk.json or cdk.context.json.
func ScanContext(f ref.File) ([]ref.Reference, []ref.Warning) {
	return nil, nil
}

// ScanSource scans the string and template literals of a TypeScript,
// JavaScript, Python, Java, C# or Go source file.
func ScanSource(f ref.File) ([]ref.Reference, []ref.Warning) {
	return nil, nil
}
