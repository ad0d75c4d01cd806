package bump

import (
	"context"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

// TestPlanErrorsArePerReference drives the real SDK against the fake:
// a layer the caller may not read and a region that is throttled are
// errors of their references, and the other references are still bumped.
func TestPlanErrorsArePerReference(t *testing.T) {
	t.Parallel()
	srv := layerstest.New(t)
	srv.AddCaller("AKIDME", "999999999999")
	srv.PublishPublic("arn:aws:lambda:us-east-1:222222222222:layer:public", 1, 12, layerstest.Meta{})
	srv.PublishRange("arn:aws:lambda:us-east-1:222222222222:layer:private", 1, 3, layerstest.Meta{})
	srv.PublishRange("arn:aws:lambda:eu-west-1:999999999999:layer:mine", 1, 3, layerstest.Meta{})
	srv.Throttle("eu-west-1", -1)
	reg := srv.OpenRegistry(t, "AKIDME", layers.RegistryOptions{MaxAttempts: 1})
	src := "arn:aws:lambda:us-east-1:222222222222:layer:private:1\n" +
		"arn:aws:lambda:eu-west-1:999999999999:layer:mine:1\n" +
		"arn:aws:lambda:us-east-1:222222222222:layer:public:2\n"
	plan := PlanFiles(context.Background(), []ref.File{{Path: "pins.txt", Src: []byte(src)}}, reg, Options{})
	got := summarize(plan)
	if len(got.Changes) != 1 || got.Changes[0] != "pins.txt:3 public 2->12" {
		t.Errorf("changes = %q, want the public layer bumped to 12", got.Changes)
	}
	matchAll(t, "error", []string{"[deleted-pin] pins.txt:1:1: arn:aws:lambda:us-east-1:222222222222:layer:private:1: pinned version 1 does not exist", "[throttled] pins.txt:2:1: list versions: arn:aws:lambda:eu-west-1:999999999999:layer:mine: throttled (TooManyRequestsException)"}, got.Errors)
}
