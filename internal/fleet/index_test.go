package fleet

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/repostate"
)

// A pin indexed with its reconcile's verdict shows that verdict, even
// where the poll per layer saw a newer version (the reconcile knows which
// versions the pin may move to); one without a verdict is rated from the
// rest of the state, where a note at its line (a changelog that could not
// be read) says nothing about it.
func TestFromIndex(t *testing.T) {
	t.Parallel()
	base := repostate.Pin{Installation: 1, Repo: "acme/a", Partition: "aws", Region: "us-east-1", Account: "111111111111", Layer: "l", Version: 3, File: "main.tf"}
	judged, bare := base, base
	judged.Line, bare.Line = 1, 2
	judged.Verdict = &repostate.Verdict{Newest: 4, Status: "violation", Rule: "l: version 3 is withdrawn (denied)"}
	newest := map[[3]string]repostate.Newest{{"111111111111", "l", "us-east-1"}: {Version: 7}}
	probs := map[repostate.RepoKey][]repostate.Recorded{{Installation: 1, Repo: "acme/a"}: {
		{Problem: problem.Problem{File: "main.tf", Line: 2, Kind: problem.Kind("changelog"), Message: "cannot read the layer"}, Severity: repostate.Note},
	}}
	got := FromIndex([]repostate.Pin{bare, judged}, newest, probs, nil)
	arn := "arn:aws:lambda:us-east-1:111111111111:layer:l:3"
	want := []Row{
		{Repository: "acme/a", File: "main.tf", Line: 1, ARN: arn, Layer: "l", Pinned: 3, Newest: 4, Status: Violation, Rule: "l: version 3 is withdrawn (denied)"},
		{Repository: "acme/a", File: "main.tf", Line: 2, ARN: arn, Layer: "l", Pinned: 3, Newest: 7, Status: Behind},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("rows (-want +got):\n%s", d)
	}
}
