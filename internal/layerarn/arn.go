// Package layerarn owns the text shape of a Lambda layer version ARN:
// parsing a concrete ARN and finding ARN-shaped text (possibly holding
// placeholders such as ${AWS::Region}) inside a larger string.
//
// It is shared by the scanner, which must never touch the network, and by
// the registries, which must never know about file formats.
package layerarn

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ARN is a concrete, fully literal layer version ARN.
type ARN struct {
	Partition string // aws, aws-cn, aws-us-gov, aws-iso…, aws-eusc
	Region    string
	Account   string
	Name      string
	Version   int // 0 when the ARN names the layer, not a version
}

// ErrNotLayerARN is returned by Parse for text that is not a layer ARN.
var ErrNotLayerARN = errors.New("not a Lambda layer ARN")

// Parse parses a literal layer ARN, with or without a version.
func Parse(s string) (ARN, error) {
	m, ok := matchAt(s, 0, false)
	if !ok || m.End != len(s) {
		return ARN{}, fmt.Errorf("%q: %w", s, ErrNotLayerARN)
	}
	if m.HasPlaceholder() {
		return ARN{}, fmt.Errorf("%q: placeholders are not allowed here: %w", s, ErrNotLayerARN)
	}
	if m.NonNumeric {
		return ARN{}, fmt.Errorf("%q: version %q is not a number, and AWS accepts only version numbers: %w", s, m.VersionText, ErrNotLayerARN)
	}
	a := ARN{Partition: m.Partition, Region: m.Region, Account: m.Account, Name: m.Name}
	if m.VersionText != "" {
		a.Version = m.Version
	}
	return a, nil
}

// LayerARN is the ARN of the layer itself (no version), the form AWS
// accepts as LayerName for cross-account calls.
func (a ARN) LayerARN() string {
	return fmt.Sprintf("arn:%s:lambda:%s:%s:layer:%s", a.Partition, a.Region, a.Account, a.Name)
}

// String renders the ARN, with the version when it is set.
func (a ARN) String() string {
	if a.Version == 0 {
		return a.LayerARN()
	}
	return a.LayerARN() + ":" + strconv.Itoa(a.Version)
}

// WithVersion returns a copy of a naming version v.
func (a ARN) WithVersion(v int) ARN {
	a.Version = v
	return a
}

// Match is one layer ARN found in a string. Offsets are byte offsets into
// the searched string.
type Match struct {
	Start, End int // the whole ARN text, version included

	Partition, Region, Account, Name string

	// VersionText is the version as written: digits, or a placeholder
	// such as ${LayerVersion}. Version is its value when it is digits.
	VersionText  string
	Version      int
	VersionStart int // offset of VersionText
	// NonNumeric: the version is a word such as latest or $LATEST, not a
	// number nor a placeholder. AWS accepts only version numbers in a
	// layer ARN, so such a pin is a mistake to report, not a template.
	NonNumeric bool

	placeholder [4]bool // partition, region, account, name
}

// maxName bounds a layer name as matched: AWS allows 140 characters, and
// a name holding placeholders is written longer than it evaluates.
const maxName = 256

// HasPlaceholder reports whether partition, region or account is a
// placeholder rather than a literal, or the name holds one.
func (m Match) HasPlaceholder() bool {
	return m.placeholder[0] || m.placeholder[1] || m.placeholder[2] || m.placeholder[3]
}

// NameHasPlaceholder reports whether the layer name holds a placeholder
// (a variable without a value in the file).
func (m Match) NameHasPlaceholder() bool { return m.placeholder[3] }

// VersionIsLiteral reports whether the version is written as digits.
func (m Match) VersionIsLiteral() bool {
	return m.VersionText != "" && isDigits(m.VersionText)
}

// FindAll returns every layer *version* ARN in s: ARNs without a version
// are not pins and are left out. Placeholders are accepted in partition,
// region, account and version.
func FindAll(s string) []Match {
	var out []Match
	for i := 0; ; {
		j := strings.Index(s[i:], "arn:")
		if j < 0 {
			return out
		}
		i += j
		if i > 0 && isNameByte(s[i-1]) && s[i-1] != '-' {
			// part of a longer word such as "xarn:", not an ARN.
			i += 4
			continue
		}
		m, ok := matchAt(s, i, true)
		if ok && m.VersionText != "" {
			out = append(out, m)
			i = m.End
			continue
		}
		i += 4
	}
}

// MatchPrefix matches a layer ARN, placeholders allowed, at the very start
// of s.
func MatchPrefix(s string) (Match, bool) { return matchAt(s, 0, true) }

// MayHoldARN is the byte prefilter for text formats: a literal layer
// version ARN always contains ":layer:".
func MayHoldARN(b []byte) bool { return bytes.Contains(b, []byte(":layer:")) }

// MayBuildARN is the looser prefilter for formats that can assemble an ARN
// from parts (Fn::Join, Terraform join/format, variables): every such file
// still names "lambda" somewhere.
func MayBuildARN(b []byte) bool { return bytes.Contains(b, []byte("lambda")) }

// matchAt matches a layer ARN starting exactly at s[i].
func matchAt(s string, i int, allowPlaceholders bool) (Match, bool) {
	m := Match{Start: i}
	p := i
	if !strings.HasPrefix(s[p:], "arn:") {
		return m, false
	}
	p += 4
	var ok bool
	if m.Partition, p, m.placeholder[0], ok = field(s, p, allowPlaceholders, isPartition); !ok {
		return m, false
	}
	if !strings.HasPrefix(s[p:], ":lambda:") {
		return m, false
	}
	p += len(":lambda:")
	if m.Region, p, m.placeholder[1], ok = field(s, p, allowPlaceholders, IsRegion); !ok {
		return m, false
	}
	if !strings.HasPrefix(s[p:], ":") {
		return m, false
	}
	p++
	if m.Account, p, m.placeholder[2], ok = field(s, p, allowPlaceholders, isAccount); !ok {
		return m, false
	}
	if !strings.HasPrefix(s[p:], ":layer:") {
		return m, false
	}
	p += len(":layer:")
	q := p
	for q < len(s) && q-p < maxName {
		if isNameByte(s[q]) {
			q++
			continue
		}
		// A name built from a variable the file does not give a value
		// (Datadog-Python${var.runtime}) is still a pin to report.
		n := 0
		if allowPlaceholders {
			n = placeholderLen(s[q:])
		}
		if n == 0 {
			break
		}
		q += n
		m.placeholder[3] = true
	}
	if q == p || q-p > maxName || (q < len(s) && isNameByte(s[q])) {
		return m, false
	}
	m.Name = s[p:q]
	p = q
	m.End = p
	if p >= len(s) || s[p] != ':' {
		return m, true // layer ARN without version
	}
	p++
	if n := wordLen(s[p:]); n > 0 {
		m.VersionText, m.VersionStart, m.End, m.NonNumeric = s[p:p+n], p, p+n, true
		return m, true
	}
	if n := placeholderLen(s[p:]); n > 0 && allowPlaceholders {
		m.VersionText, m.VersionStart, m.End = s[p:p+n], p, p+n
		return m, true
	}
	q = p
	for q < len(s) && q-p < 9 && s[q] >= '0' && s[q] <= '9' {
		q++
	}
	if q == p || (q < len(s) && (isNameByte(s[q]) || s[q] == '.')) {
		// ":12abc", ":1.2" or ":$LATEST" are not version pins.
		return m, q == p && !(q < len(s) && isNameByte(s[q]))
	}
	v, err := strconv.Atoi(s[p:q])
	if err != nil || v == 0 {
		return m, false
	}
	m.VersionText, m.Version, m.VersionStart, m.End = s[p:q], v, p, q
	return m, true
}

// maxWord is the longest non-numeric version taken for one (latest,
// current, $LATEST): longer words are not pins someone meant.
const maxWord = 16

// wordLen returns the length of a non-numeric version at the start of s:
// letters, optionally after a $ when the rest spells latest ($LATEST,
// which a shell variable would otherwise claim), ending where a name
// would, or 0.
func wordLen(s string) int {
	n := 0
	if strings.HasPrefix(s, "$") {
		if len(s) < 7 || !strings.EqualFold(s[1:7], "latest") {
			return 0
		}
		n = 1
	}
	start := n
	for n < len(s) && n-start <= maxWord && isLetter(s[n]) {
		n++
	}
	if n == start || n-start > maxWord || (n < len(s) && (isNameByte(s[n]) || s[n] == '.' || s[n] == '{')) {
		return 0
	}
	return n
}

// field reads one ARN field: a literal validated by valid, or a placeholder.
func field(s string, p int, allowPlaceholders bool, valid func(string) bool) (val string, next int, placeholder, ok bool) {
	if allowPlaceholders {
		if n := placeholderLen(s[p:]); n > 0 {
			return s[p : p+n], p + n, true, true
		}
	}
	q := p
	for q < len(s) && s[q] != ':' && q-p < 64 {
		q++
	}
	if q >= len(s) || !valid(s[p:q]) {
		return "", p, false, false
	}
	return s[p:q], q, false, true
}

// placeholderLen returns the length of a placeholder at the start of s, or
// 0. Recognized: ${...} (CloudFormation, Terraform, Serverless, JS template
// literals) with balanced braces, {...} (Python f-strings, C# interpolation),
// %s / %v (printf-style formatting in Go and Java sources), and $NAME /
// $(...) (shell scripts, Makefiles, CI workflows).
func placeholderLen(s string) int {
	switch {
	case strings.HasPrefix(s, "%s"), strings.HasPrefix(s, "%v"):
		return 2
	case strings.HasPrefix(s, "${"):
		if n := balanced(s[1:]); n > 0 {
			return n + 1
		}
	case strings.HasPrefix(s, "{"):
		if n := balanced(s); n > 2 {
			return n
		}
	case strings.HasPrefix(s, "$("):
		// Make and shell command substitution: $(REGION), $(aws configure get region).
		if i := strings.IndexAny(s, ")\n\"`"); i > 2 && s[i] == ')' && i < 256 {
			return i + 1
		}
	case strings.HasPrefix(s, "$"):
		// Shell and Makefile variables: $AWS_REGION, $region.
		n := 1
		for n < len(s) && n < 128 && (s[n] == '_' || isLetter(s[n]) || (n > 1 && s[n] >= '0' && s[n] <= '9')) {
			n++
		}
		if n > 1 {
			return n
		}
	}
	return 0
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// balanced returns the length of a placeholder's brace group starting at
// s[0]=='{'. A placeholder is short and stays inside one string, so a line
// break or a quote before the close means it is not one.
func balanced(s string) int { return BraceEnd(s, 256, "\n\"`") }

// BraceEnd returns the length of the brace group that opens at s[0]=='{',
// nested groups included, or 0 when it does not close: within limit bytes
// when limit > 0, and before any byte of stop.
func BraceEnd(s string, limit int, stop string) int {
	depth := 0
	for i := 0; i < len(s) && (limit <= 0 || i < limit); i++ {
		switch c := s[i]; {
		case c == '{':
			depth++
		case c == '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		case strings.IndexByte(stop, c) >= 0:
			return 0
		}
	}
	return 0
}

func isAccount(s string) bool { return len(s) == 12 && isDigits(s) }

func isDigits(s string) bool { return isRun(s, '0', '9') }

// isRun reports whether s is not empty and every byte of it is in lo..hi.
func isRun(s string, lo, hi byte) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < lo || s[i] > hi {
			return false
		}
	}
	return true
}

func isNameByte(c byte) bool {
	return c == '-' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
