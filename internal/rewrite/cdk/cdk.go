// Package cdk finds pinned layer versions in AWS CDK apps: context files
// (cdk.json, cdk.context.json) and string literals of app sources.
//
// Sources are read by a small lexer per language family (JavaScript and
// TypeScript; Python; Java, Kotlin, C# and Go) that knows their comments
// and string literals, so ARNs are found only inside strings and never in
// comments, and interpolations stay placeholders as written.
package cdk
