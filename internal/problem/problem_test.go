package problem

import (
	"errors"
	"testing"
)

func TestRendering(t *testing.T) {
	t.Parallel()
	cause := errors.New("access denied")
	tests := []struct {
		p    Problem
		want string
	}{
		{New(AccessDenied, "main.tf", 4, 17, cause), "main.tf:4:17: access denied"},
		{Newf(Parse, "t.yaml", 3, 0, "cannot parse"), "t.yaml:3: cannot parse"},
		{Newf(TooLarge, "dump.json", 0, 0, "over the limit"), "dump.json: over the limit"},
		{Newf(Other, "", 0, 0, "no file"), "no file"},
	}
	for _, tc := range tests {
		if got := tc.p.Error(); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
	}
	if p := New(AccessDenied, "f", 1, 1, cause); !errors.Is(p, cause) {
		t.Error("a problem does not unwrap to its cause")
	}
	ps := []Problem{Newf(Other, "b", 1, 0, ""), Newf(Other, "a", 9, 2, ""), Newf(Other, "a", 9, 1, ""), Newf(Other, "a", 2, 0, "")}
	Sort(ps)
	var got string
	for _, p := range ps {
		got += p.Location() + " "
	}
	if got != "a:2 a:9:1 a:9:2 b:1 " {
		t.Errorf("sorted %q", got)
	}
}
