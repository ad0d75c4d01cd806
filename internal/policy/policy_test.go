package policy_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/policy"
)

const src = `version: 1
rules:
  - layer: "arn:aws:lambda:*:017000801446:layer:AWSLambdaPowertoolsPythonV2"
    minimum: 60
    deny: [62, 63]
    reason: "leaks"
    link: https://example.com/a
    deadline: 2026-12-31
advisories: [advisories/]
security-pr: {labels: [security], team-reviewers: [appsec], automerge: false}
enforcement: {check: changed-lines}
`

func TestCheck(t *testing.T) {
	t.Parallel()
	p, err := policy.Parse("p.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	pt := config.Layer{Partition: "aws", Region: "eu-west-1", Account: "017000801446", Name: "AWSLambdaPowertoolsPythonV2"}
	other := pt
	other.Account = "111111111111"
	before := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
	after := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		l       config.Layer
		v       int
		at      time.Time
		want    string
		wantDue bool
	}{
		{pt, 46, before, "version 46 is below the minimum 60: leaks (https://example.com/a); deadline 2026-12-31", false},
		{pt, 46, after, "version 46 is below the minimum 60: leaks (https://example.com/a); deadline 2026-12-31 passed", true},
		{pt, 62, after, "version 62 is withdrawn (denied): leaks (https://example.com/a); deadline 2026-12-31 passed", true},
		{pt, 61, after, "", false},
		{other, 1, after, "", false}, // another publisher's layer of the same name
	}
	for _, tc := range tests {
		vs := p.Check(tc.l, tc.v, tc.at)
		got, due := "", false
		if len(vs) > 0 {
			got, due = vs[0].String(), vs[0].Due
		}
		if got != tc.want || due != tc.wantDue {
			t.Errorf("%s:%d at %s: %q due %v, want %q due %v", tc.l.Account, tc.v, tc.at.Format(time.DateOnly), got, due, tc.want, tc.wantDue)
		}
	}
	if p.Allows(pt, 62) || p.Allows(pt, 59) || !p.Allows(pt, 64) {
		t.Error("Allows")
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	_, err := policy.Parse("p.yml", []byte("version: 1\nrules:\n  - layer: x\n  - {minimum: 3}\n  - {layer: y, deadline: soon, deny: [1]}\nenforcement: {check: always}\n"))
	pe, ok := errors.AsType[config.ParseErrors](err)
	if !ok {
		t.Fatalf("%v", err)
	}
	var got []string
	for _, e := range pe {
		got = append(got, e.Error())
	}
	for _, want := range []string{
		"p.yml:3:5: rules[0]: a rule needs a minimum or a deny list",
		"p.yml:4:5: rules[1]: a rule needs a layer",
		`p.yml:5:26: deadline "soon": want a date like 2026-12-31`,
		`p.yml:6:15: enforcement.check "always"`,
	} {
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, want)
		}
		if !found {
			t.Errorf("no error %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
}
