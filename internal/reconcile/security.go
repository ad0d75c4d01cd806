package reconcile

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bumpbot/bumpbot/internal/config"
	"github.com/bumpbot/bumpbot/internal/policy"
)

// securityChange makes c a security pull request when its update moves a
// pin off a version the org's policy rejects (lines, from securityLines,
// are the rules it fixes): the policy's security-pr labels and team
// reviewers are added, and the rules open the description, before the
// changelog.
func securityChange(c *Change, pol *policy.Policy, lines []string) {
	if len(lines) == 0 {
		return
	}
	for _, l := range pol.SecurityPR.Labels {
		if !slices.Contains(c.Labels, l) {
			c.Labels = append(slices.Clone(c.Labels), l)
		}
	}
	for _, t := range pol.SecurityPR.TeamReviewers {
		if !slices.Contains(c.TeamReviewers, t) {
			c.TeamReviewers = append(slices.Clone(c.TeamReviewers), t)
		}
	}
	c.SecurityLabels, c.SecurityTeams, c.AutoMerge = pol.SecurityPR.Labels, pol.SecurityPR.TeamReviewers, pol.SecurityPR.Automerge
	c.Body = "> [!CAUTION]\n> **Security policy:** this pull request moves pins off versions the organization's policy rejects.\n" +
		strings.Join(lines, "\n") + "\n\n" + c.Body
}

// securityLines are the policy's verdicts on the versions u moves pins
// off, one quoted line each; none when u fixes no violation (or there is
// no policy). An update with some is published whatever the repository's
// schedule and open-pull-requests-limit say.
func securityLines(u Update, pol *policy.Policy, now time.Time) []string {
	if pol == nil {
		return nil
	}
	var lines []string
	for _, p := range append([]Update{u}, u.Parts...) {
		l := config.Layer{Partition: p.Partition, Region: p.Region, Account: p.Account, Name: p.Layer}
		for _, m := range p.Moves {
			for _, v := range pol.Check(l, m.From, now) {
				line := fmt.Sprintf("> `%s` %d: %s.", p.Layer, m.From, v.String())
				if !slices.Contains(lines, line) {
					lines = append(lines, line)
				}
			}
		}
	}
	return lines
}
