package changelog

import (
	"html"
	"regexp"
	"testing"
)

// linkable matches what GitHub turns into a notification or an issue link
// in a pull request body: @user, @org/team, #123, GH-123, owner/repo#123.
var linkable = regexp.MustCompile(`@[A-Za-z0-9]|#[0-9]|(?i:\bgh-[0-9])`)

var linkDest = regexp.MustCompile(`\]\([^)]*\)`)

// rendered is the text GitHub scans for mentions and references: entities
// decoded, link destinations (attributes, such as
// https://www.npmjs.com/package/@acme/x) left out.
func rendered(md string) string {
	return html.UnescapeString(linkDest.ReplaceAllString(md, "]()"))
}

// TestCellNeutralisesMentions: text from a layer never pings anyone nor
// links (or closes) an issue, whatever table cell or note it lands in.
func TestCellNeutralisesMentions(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"@octocat",
		"@acme/platform-team",
		"closes #2",
		"fixes GH-7",
		"gh-7",
		"acme/infra#9",
		"1.0+@security-team#3",
		"a@@b ##1",
	} {
		if got := cell(s); linkable.MatchString(rendered(got)) {
			t.Errorf("cell(%q) = %q: GitHub would still link it", s, got)
		}
	}
	c := &Changelog{
		From:     "arn:aws:lambda:us-east-1:123456789012:layer:deps:3",
		To:       "arn:aws:lambda:us-east-1:123456789012:layer:deps:5",
		Packages: []Change{{Ecosystem: "node", Name: "@acme/x", From: "1 @a", To: "2 #3", Change: Upgraded}},
		Layer: Layer{
			License:     Pair[string]{"MIT @legal", "closes #4"},
			Description: Pair[string]{"see GH-5", "cc @octocat"},
		},
		Notes: []string{"version 5: could not read nodejs/node_modules/@evil/x/package.json: fixes #6"},
	}
	if md := c.Markdown(); linkable.MatchString(rendered(md)) {
		t.Errorf("markdown still links %q:\n%s", linkable.FindAllString(rendered(md), -1), md)
	}
}
