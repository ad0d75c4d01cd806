// Package config is where bumpbot's settings come from, in one order for
// every command: flags, then the environment, then a configuration file,
// then defaults. It also decodes YAML files strictly, keeping an error
// that stops the file from being read (LoadError) apart from errors in
// what it says (ParseErrors, each with its line and column), so a bad
// file can be reported to the person who wrote it.
package config

import (
	"fmt"
	"strings"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

// Value is one source of a setting: its raw text, where it came from (a
// flag, a variable or a file key, for messages), and whether it was set.
type Value struct {
	From string
	Text string
	Set  bool
}

// Flag is a value given by a command-line flag; set is whether the user
// gave it (cobra's Changed).
func Flag(name, text string, set bool) Value {
	return Value{From: "--" + name, Text: text, Set: set}
}

// Env is a value from the environment; an empty variable is unset.
func Env(getenv func(string) string, name string) Value {
	v := getenv(name)
	return Value{From: name, Text: v, Set: v != ""}
}

// File is a value from a configuration file's key; an empty value is
// unset.
func File(key, text string) Value { return Value{From: key, Text: text, Set: text != ""} }

// First returns the first value that is set, in the order given: pass
// flags, then the environment, then the file, then defaults. The zero
// Value means none was.
func First(values ...Value) Value {
	for _, v := range values {
		if v.Set {
			return v
		}
	}
	return Value{}
}

// DefaultRegion is the region of the usual AWS configuration: AWS_REGION,
// else AWS_DEFAULT_REGION (the AWS CLI's older name), as the AWS SDKs
// read them.
func DefaultRegion(getenv func(string) string) Value {
	return First(Env(getenv, "AWS_REGION"), Env(getenv, "AWS_DEFAULT_REGION"))
}

// Regions parses a comma-separated region list, refusing a name that is
// not a region's: a typo would otherwise surface only when a placeholder
// ARN needs it, or never.
func Regions(v Value) ([]string, error) {
	var out []string
	for _, r := range strings.Split(v.Text, ",") {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if !layerarn.IsRegion(r) {
			return nil, fmt.Errorf("%s: %q is not an AWS region name (like us-east-1)", v.From, r)
		}
		out = append(out, r)
	}
	return out, nil
}

// CheckRegions refuses a list holding a name that is not a region's.
func CheckRegions(from string, regions []string) error {
	_, err := Regions(Value{From: from, Text: strings.Join(regions, ","), Set: true})
	return err
}
