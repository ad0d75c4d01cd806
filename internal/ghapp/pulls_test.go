package ghapp_test

import (
	"context"
	"testing"
	"time"
)

// OpenPulls lists the bot's open pull requests only, with when each was
// opened.
func TestOpenPulls(t *testing.T) {
	t.Parallel()
	gh, r := setup(t, map[string]string{"main.tf": "v1\n"})
	ctx := context.Background()
	opened := time.Date(2026, 11, 28, 8, 30, 0, 0, time.UTC)
	for _, b := range []string{"bumpbot/open", "bumpbot/closed", "feature"} {
		gh.Push(t, repoN, b, map[string]string{"main.tf": "v2\n"}, "change")
		gh.OpenPull(t, repoN, b, "Bump "+b, "", opened)
	}
	gh.ClosePull(repoN, 2)
	got, err := r.OpenPulls(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Number != 1 || got[0].Branch != "bumpbot/open" || !got[0].Created.Equal(opened) || got[0].URL == "" {
		t.Errorf("OpenPulls: %+v", got)
	}
}
