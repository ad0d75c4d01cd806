package fleet

import (
	"bytes"
	"strings"
	"testing"
)

func TestSortAndSummary(t *testing.T) {
	t.Parallel()
	rows := []Row{
		{Repository: "b", File: "x.tf", Line: 2, Status: Current},
		{Repository: "a", File: "y.tf", Line: 9, Status: Behind},
		{Repository: "c", File: "z.tf", Line: 1, Status: Violation, Rule: "r"},
		{Repository: "a", File: "x.tf", Line: 1, Status: Behind},
		{Repository: "a", File: "w.tf", Line: 3, Status: Deleted},
	}
	Sort(rows)
	var order []string
	for _, r := range rows {
		order = append(order, string(r.Status)+":"+r.Repository+"/"+r.File)
	}
	want := "violation:c/z.tf deleted:a/w.tf behind:a/x.tf behind:a/y.tf current:b/x.tf"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("order %s, want %s", got, want)
	}
	if got := Summarize(rows).String(); got != "5 pins in 3 repositories: 1 current, 2 behind, 1 on deleted versions, 1 violate policy" {
		t.Errorf("summary %q", got)
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, rows[:1]); err != nil || b.String() != "status,repository,file,line,arn,layer,pinned,newest,rule,detail\nviolation,c,z.tf,1,,,0,0,r,\n" {
		t.Errorf("csv %q %v", b.String(), err)
	}
}
