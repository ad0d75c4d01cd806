package cloudformation

import (
	"bytes"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/yamlpos"
)

// samTransform is the transform that makes a template a SAM template.
const samTransform = "AWS::Serverless-2016-10-31"

// versionKey matches AWSTemplateFormatVersion written as a key, in YAML or
// JSON, so that a mention in prose does not count.
var versionKey = regexp.MustCompile(`(?m)^[ \t{]*"?AWSTemplateFormatVersion"?[ \t]*:`)

// resourcesKey matches a Resources key at the start of a line: top level
// in YAML, or JSON written one key a line.
var resourcesKey = regexp.MustCompile(`(?m)^(Resources[ \t]*:|[ \t{]*"Resources"[ \t]*:)`)

// Detect reports whether src is a CloudFormation template (recognized by
// content, not by name) and whether it is a SAM one.
//
// It runs on every YAML and JSON file of a repository, so it decides on
// bytes where it can. A file with an AWSTemplateFormatVersion key is a
// template, SAM when it names the SAM transform, without parsing. Other
// files are parsed only when they name both Resources and an AWS:: type,
// and claimed when their top-level Resources hold an AWS:: resource (a
// Serverless Framework file nests CloudFormation under "resources", which
// does not make it a template). A candidate that does not parse is still
// claimed when a top-level Resources key is visible, so that Scan reports
// why it failed.
func Detect(src []byte) (ref.Format, bool) {
	sam := bytes.Contains(src, []byte(samTransform))
	if bytes.Contains(src, []byte("AWSTemplateFormatVersion")) && versionKey.Match(src) {
		if sam {
			return ref.SAM, true
		}
		return ref.CloudFormation, true
	}
	if !bytes.Contains(src, []byte("AWS::")) || !bytes.Contains(src, []byte("Resources")) {
		return "", false
	}
	root, err := parse(src)
	switch {
	case err != nil && !resourcesKey.Match(src):
		return "", false
	case err == nil && !hasAWSResource(yamlpos.Lookup(root, "Resources")):
		return "", false
	case err == nil:
		sam = isSAM(root)
	}
	if sam {
		return ref.SAM, true
	}
	return ref.CloudFormation, true
}

// hasAWSResource reports whether a Resources mapping has an entry typed
// AWS::Something.
func hasAWSResource(res *yaml.Node) bool {
	if res == nil || res.Kind != yaml.MappingNode {
		return false
	}
	for i := 1; i < len(res.Content); i += 2 {
		if t := yamlpos.Lookup(res.Content[i], "Type"); t != nil && strings.HasPrefix(t.Value, "AWS::") {
			return true
		}
	}
	return false
}

// isSAM reports whether the template's Transform, a string or a list,
// names the SAM transform.
func isSAM(root *yaml.Node) bool {
	t := yamlpos.Lookup(root, "Transform")
	if t == nil {
		return false
	}
	if t.Kind == yaml.ScalarNode {
		return t.Value == samTransform
	}
	for _, c := range t.Content {
		if c.Kind == yaml.ScalarNode && c.Value == samTransform {
			return true
		}
	}
	return false
}
