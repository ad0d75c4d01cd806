package rewrite

import (
	"errors"
	"strings"
	"testing"
)

const wf = "env:\r\n  A: arn:aws:lambda:us-east-1:017000801446:layer:P:9 # pin\r\n  B: arn:aws:lambda:us-east-1:017000801446:layer:Q:46"

func TestApply(t *testing.T) {
	t.Parallel()
	refs, _ := ScanFile("wf.yml", []byte(wf))
	if len(refs) != 2 {
		t.Fatalf("scan found %d references, want 2", len(refs))
	}
	e0, ok0 := EditFor(refs[0], 10)
	e1, ok1 := EditFor(refs[1], 47)
	if !ok0 || !ok1 {
		t.Fatal("references have no located version")
	}
	tests := []struct {
		name    string
		src     string
		edits   []Edit
		want    string
		wantErr string
	}{
		{"grows a digit, CRLF and no final newline kept", wf, []Edit{e0},
			strings.Replace(wf, "layer:P:9", "layer:P:10", 1), ""},
		{"two edits in one file", wf, []Edit{e1, e0},
			strings.Replace(strings.Replace(wf, "layer:P:9", "layer:P:10", 1), "Q:46", "Q:47", 1), ""},
		{"same edit twice is one edit", wf, []Edit{e0, e0},
			strings.Replace(wf, "layer:P:9", "layer:P:10", 1), ""},
		{"no edits returns input", wf, nil, wf, ""},
		{"wrong expected version", wf, []Edit{{Offset: e0.Offset, Len: 1, From: 8, To: 10}}, "", "expected version 8"},
		{"outside the file", wf, []Edit{{Offset: len(wf), Len: 2, From: 46, To: 47}}, "", "outside the file"},
		{"not a version", wf, []Edit{{Offset: e0.Offset, Len: 1, From: 9, To: 0}}, "", "not a layer version"},
		{"edit that would break another reference", wf,
			[]Edit{{Offset: strings.Index(wf, "017000801446"), Len: 12, From: 17000801446, To: 1}}, "", "changed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Apply("wf.yml", []byte(tt.src), tt.edits)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrRefused) {
					t.Fatalf("Apply error = %v, want ErrRefused mentioning %q", err, tt.wantErr)
				}
				if got != nil {
					t.Fatal("a refused edit returned bytes")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Apply =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestApplyOverlapping(t *testing.T) {
	t.Parallel()
	src := []byte("arn:aws:lambda:us-east-1:017000801446:layer:P:46\n")
	off := strings.Index(string(src), "46")
	_, err := Apply("f.txt", src, []Edit{{Offset: off, Len: 2, From: 46, To: 47}, {Offset: off + 1, Len: 1, From: 6, To: 7}})
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("overlapping edits: err = %v", err)
	}
}
