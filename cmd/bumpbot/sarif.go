package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// SARIF 2.1.0, the subset GitHub code scanning reads: one run, a rule per
// policy rule or advisory, a result per violation at its file, line and
// column. Paths are relative to where audit ran (%SRCROOT%), which is the
// repository root in CI.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID               string         `json:"id"`
	ShortDescription sarifText      `json:"shortDescription"`
	HelpURI          string         `json:"helpUri,omitempty"`
	Properties       map[string]any `json:"properties"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// sarifSchema is where the SARIF 2.1.0 schema is published.
const sarifSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// sarifLocationOf places a file position; line 0 is the file as a whole.
func sarifLocationOf(file string, line, col int) sarifLocation {
	l := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: file, URIBaseID: "%SRCROOT%"}}}
	if line > 0 {
		l.PhysicalLocation.Region = &sarifRegion{StartLine: line, StartColumn: col}
	}
	return l
}

// writeSARIF prints the audit as a SARIF log: a violation that is due is
// an error, one before its deadline (or untouched by the pull request) a
// note; what could not be read is a tool notification.
func (o auditOutput) writeSARIF(w io.Writer) error {
	run := sarifRun{
		Tool:        sarifTool{Driver: sarifDriver{Name: "bumpbot", InformationURI: "https://github.com/bumpbot/bumpbot", Rules: []sarifRule{}}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: len(o.Errors) == 0}},
		Results:     []sarifResult{},
	}
	index := map[string]int{}
	for _, v := range o.Violations {
		id := sarifRuleID(v)
		i, ok := index[id]
		if !ok {
			i = len(run.Tool.Driver.Rules)
			index[id] = i
			desc := "Pinned versions of " + v.Rule + " the security policy rejects"
			if strings.HasPrefix(id, "advisory/") {
				desc = "Layer versions holding a package affected by " + v.Rule
			}
			if v.Reason != "" {
				desc += ": " + v.Reason
			}
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: id, ShortDescription: sarifText{desc}, HelpURI: v.Link,
				Properties: map[string]any{"tags": []string{"security", "lambda-layer"}}})
		}
		level := "error"
		if !v.Due {
			level = "note"
		}
		// The fingerprint follows the pin, not its line, so code scanning
		// keeps one alert while lines move around it.
		sum := sha256.Sum256([]byte(strings.Join([]string{v.File, v.ARN, fmt.Sprint(v.Version), id}, "\x00")))
		run.Results = append(run.Results, sarifResult{
			RuleID: id, RuleIndex: i, Level: level,
			Message:             sarifText{fmt.Sprintf("%s:%d: %s", v.Layer, v.Version, v.Message)},
			Locations:           []sarifLocation{sarifLocationOf(v.File, v.Line, v.Column)},
			PartialFingerprints: map[string]string{"bumpbotPin/v1": hex.EncodeToString(sum[:16])},
		})
	}
	for _, e := range o.Errors {
		n := sarifNotification{Level: "error", Message: sarifText{e.Message}}
		if e.File != "" {
			n.Locations = []sarifLocation{sarifLocationOf(e.File, e.Line, e.Column)}
		}
		run.Invocations[0].Notifications = append(run.Invocations[0].Notifications, n)
	}
	return writeJSON(w, sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

// sarifRuleID names the rule a violation breaks: the advisory's id, or
// the policy rule's layer pattern.
func sarifRuleID(v violation) string {
	if strings.HasPrefix(v.Why, "exposed to ") {
		return "advisory/" + v.Rule
	}
	return "policy/" + v.Rule
}
