package cdk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/problem"
	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
	"github.com/bumpbot/bumpbot/internal/rewrite/yamlpos"
)

// maxJSONDepth bounds nesting; cdk.json is a few levels deep.
const maxJSONDepth = 512

// ScanContext scans cdk.json or cdk.context.json: every string value that
// holds a layer version ARN, with the JSON key path as context
// (context.powertoolsLayerArn, context.layers[0]).
func ScanContext(f ref.File) ([]ref.Reference, []problem.Problem) {
	if !layerarn.MayHoldARN(f.Src) {
		return nil, nil
	}
	s := &jsonScan{src: f.Src, lines: ref.NewLines(f.Path, f.Src), dec: json.NewDecoder(bytes.NewReader(f.Src))}
	s.dec.UseNumber()
	err := s.value("", 0)
	if err == nil {
		// Token, unlike Decode, does not reject a second top-level value.
		switch _, next := s.dec.Token(); {
		case next == nil:
			err = errTrailing
		case !errors.Is(next, io.EOF):
			err = next
		}
	}
	if err != nil {
		return nil, []problem.Problem{{File: f.Path, Line: s.errorLine(err), Message: fmt.Sprintf("parse JSON: %v", err), Kind: problem.Parse}}
	}
	return s.refs, nil
}

var errTrailing = errors.New("data after the top-level value")

type jsonScan struct {
	src   []byte
	lines *ref.Lines
	dec   *json.Decoder
	refs  []ref.Reference
}

// value reads one JSON value at path, reporting ARNs in its strings.
func (s *jsonScan) value(path string, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("nesting deeper than %d", maxJSONDepth)
	}
	before := s.dec.InputOffset()
	tok, err := s.dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			for s.dec.More() {
				key, err := s.dec.Token()
				if err != nil {
					return err
				}
				k, _ := key.(string)
				if path != "" {
					k = path + "." + k
				}
				if err := s.value(k, depth+1); err != nil {
					return err
				}
			}
		case '[':
			for i := 0; s.dec.More(); i++ {
				if err := s.value(path+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
					return err
				}
			}
		}
		_, err := s.dec.Token() // the closing delimiter
		return err
	case string:
		s.str(before, int(s.dec.InputOffset()), t, path)
	}
	return nil
}

// str reports the ARNs of one string value whose token ends at end. Its
// opening quote is the first one after before (the decoder's offset also
// stops ahead of separators and whitespace).
func (s *jsonScan) str(before int64, end int, val, path string) {
	start := int(before)
	for start < end && s.src[start] != '"' {
		start++
	}
	if start+1 > end-1 {
		return
	}
	// A JSON string is a double-quoted YAML scalar without line breaks:
	// decoding it piece by piece keeps the bytes after an escape located.
	v, ok := yamlpos.DoubleQuoted(s.lines, s.src, start)
	if !ok || v.String() != val {
		v = ref.Virtual{ref.Synth(val, s.lines.Pos(start+1))}
	}
	s.refs = append(s.refs, find(v, ref.Site{Format: ref.CDK, Context: path})...)
}

// errorLine locates a decoding error.
func (s *jsonScan) errorLine(err error) int {
	off := int(s.dec.InputOffset())
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		off = int(syn.Offset)
	}
	return s.lines.Pos(min(max(off, 0), len(s.src))).Line
}

// find runs the matcher and drops the edit position of a zero-padded
// version (":07"): rewriting it would not be the edit a reviewer expects.
func find(v ref.Virtual, site ref.Site) []ref.Reference {
	refs := v.Find(site)
	for i, r := range refs {
		if r.VersionAt != nil && r.VersionLen != len(strconv.Itoa(*r.Version)) {
			refs[i].VersionAt, refs[i].VersionLen = nil, 0
		}
	}
	return refs
}
