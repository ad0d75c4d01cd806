package layerarn

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFindAll(t *testing.T) {
	t.Parallel()
	type found struct{ Partition, Region, Account, Name, VersionText string }
	tests := []struct {
		name string
		in   string
		want []found
	}{
		{"literal", "x arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:46 y",
			[]found{{"aws", "us-east-1", "017000801446", "AWSLambdaPowertoolsPythonV2", "46"}}},
		{"china", "arn:aws-cn:lambda:cn-northwest-1:123456789012:layer:my_layer:3",
			[]found{{"aws-cn", "cn-northwest-1", "123456789012", "my_layer", "3"}}},
		{"govcloud", "arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:Datadog-Extension:65",
			[]found{{"aws-us-gov", "us-gov-west-1", "002406178527", "Datadog-Extension", "65"}}},
		{"cfn placeholders", "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:layer:shared:12",
			[]found{{"${AWS::Partition}", "${AWS::Region}", "${AWS::AccountId}", "shared", "12"}}},
		{"serverless opt with default", "arn:aws:lambda:${opt:region, 'us-east-1'}:017000801446:layer:P:3",
			[]found{{"aws", "${opt:region, 'us-east-1'}", "017000801446", "P", "3"}}},
		{"cdk stack region", "arn:aws:lambda:${Stack.of(this).region}:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:12",
			[]found{{"aws", "${Stack.of(this).region}", "094274105915", "AWSLambdaPowertoolsTypeScriptV2", "12"}}},
		{"python f-string", "arn:aws:lambda:{region}:017000801446:layer:P:46",
			[]found{{"aws", "{region}", "017000801446", "P", "46"}}},
		{"printf", "arn:aws:lambda:%s:017000801446:layer:P:46",
			[]found{{"aws", "%s", "017000801446", "P", "46"}}},
		{"shell variables", "arn:aws:lambda:$AWS_REGION:$ACCOUNT_ID:layer:P:46",
			[]found{{"aws", "$AWS_REGION", "$ACCOUNT_ID", "P", "46"}}},
		{"make variable and shell version", "arn:aws:lambda:$(REGION):017000801446:layer:P:$VERSION",
			[]found{{"aws", "$(REGION)", "017000801446", "P", "$VERSION"}}},
		{"lone dollar", "arn:aws:lambda:$:017000801446:layer:P:46", nil},
		{"unclosed make variable", "arn:aws:lambda:$(REGION:017000801446:layer:P:46", nil},
		{"version placeholder", "arn:aws:lambda:us-east-1:017000801446:layer:P:${LayerVersion}",
			[]found{{"aws", "us-east-1", "017000801446", "P", "${LayerVersion}"}}},
		{"two in one string", "arn:aws:lambda:us-east-1:111111111111:layer:a:1,arn:aws:lambda:us-east-1:111111111111:layer:b:2",
			[]found{{"aws", "us-east-1", "111111111111", "a", "1"}, {"aws", "us-east-1", "111111111111", "b", "2"}}},
		{"unversioned layer", "arn:aws:lambda:us-east-1:111111111111:layer:a", nil},
		{"unversioned with colon", "arn:aws:lambda:us-east-1:111111111111:layer:a: next", nil},
		{"function arn", "arn:aws:lambda:us-east-1:111111111111:function:a:1", nil},
		{"bad account", "arn:aws:lambda:us-east-1:1111:layer:a:1", nil},
		{"bad region", "arn:aws:lambda:useast1:111111111111:layer:a:1", nil},
		{"bad partition", "arn:azure:lambda:us-east-1:111111111111:layer:a:1", nil},
		{"version zero", "arn:aws:lambda:us-east-1:111111111111:layer:a:0", nil},
		{"version with suffix", "arn:aws:lambda:us-east-1:111111111111:layer:a:12abc", nil},
		{"inside a word", "learn:aws:lambda:us-east-1:111111111111:layer:a:1", nil},
		{"unbalanced placeholder", "arn:aws:lambda:${AWS::Region:111111111111:layer:a:1", nil},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []found
			for _, m := range FindAll(tt.in) {
				got = append(got, found{m.Partition, m.Region, m.Account, m.Name, m.VersionText})
				if tt.in[m.VersionStart:m.VersionStart+len(m.VersionText)] != m.VersionText {
					t.Errorf("VersionStart %d does not point at %q", m.VersionStart, m.VersionText)
				}
				if tt.in[m.Start:m.Start+4] != "arn:" || m.End > len(tt.in) {
					t.Errorf("bad span [%d,%d)", m.Start, m.End)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FindAll(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	a, err := Parse("arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:46")
	if err != nil {
		t.Fatal(err)
	}
	want := ARN{"aws", "eu-west-1", "017000801446", "AWSLambdaPowertoolsPythonV2", 46}
	if a != want {
		t.Fatalf("Parse = %+v, want %+v", a, want)
	}
	if got := a.WithVersion(50).String(); got != "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:50" {
		t.Errorf("String = %s", got)
	}
	if got := a.LayerARN(); got != "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2" {
		t.Errorf("LayerARN = %s", got)
	}
	noVersion, err := Parse("arn:aws:lambda:eu-west-1:017000801446:layer:x")
	if err != nil || noVersion.Version != 0 || noVersion.String() != "arn:aws:lambda:eu-west-1:017000801446:layer:x" {
		t.Errorf("unversioned Parse = %+v, %v", noVersion, err)
	}
	for _, bad := range []string{
		"", "arn:aws:lambda:${AWS::Region}:017000801446:layer:x:1",
		"arn:aws:lambda:eu-west-1:017000801446:layer:x:1 trailing",
		"arn:aws:lambda:eu-west-1:017000801446:function:x",
	} {
		if _, err := Parse(bad); !errors.Is(err, ErrNotLayerARN) {
			t.Errorf("Parse(%q) error = %v, want ErrNotLayerARN", bad, err)
		}
	}
}

func TestPrefilters(t *testing.T) {
	t.Parallel()
	if !MayHoldARN([]byte("x arn:aws:lambda:us-east-1:1:layer:a:1")) || MayHoldARN([]byte("lambda function")) {
		t.Error("MayHoldARN")
	}
	if !MayBuildARN([]byte(`!Join [":", [arn, aws, lambda]]`)) || MayBuildARN([]byte("nothing here")) {
		t.Error("MayBuildARN")
	}
}

func FuzzFindAll(f *testing.F) {
	for _, s := range []string{
		"arn:aws:lambda:us-east-1:017000801446:layer:P:46",
		"arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:layer:x:${V}",
		"arn:aws:lambda:{r}:%s:layer:x:1 arn:aws:lambda:",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range FindAll(s) {
			if m.Start < 0 || m.End > len(s) || m.Start >= m.End {
				t.Fatalf("bad span %d..%d", m.Start, m.End)
			}
			if s[m.VersionStart:m.VersionStart+len(m.VersionText)] != m.VersionText {
				t.Fatalf("version span")
			}
			if m.VersionIsLiteral() {
				if _, err := Parse(s[m.Start:m.End]); err != nil && !m.HasPlaceholder() {
					t.Fatalf("found %q but Parse refuses it: %v", s[m.Start:m.End], err)
				}
			}
		}
	})
}

func TestBraceEnd(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, s string
		limit   int
		stop    string
		want    int
	}{
		{name: "flat", s: "{a}b", want: 3},
		{name: "nested", s: "{a{b}c}d", want: 7},
		{name: "unclosed", s: "{a{b}", want: 0},
		{name: "close past the limit", s: "{" + strings.Repeat("x", 10) + "}", limit: 5, want: 0},
		{name: "close at the limit", s: "{xxx}", limit: 5, want: 5},
		{name: "stop byte before the close", s: "{a\n}", stop: "\n", want: 0},
		{name: "stop byte after the close", s: "{a}\n", stop: "\n", want: 3},
		{name: "quotes kept without stop bytes", s: "{opt:stage, 'dev'}", want: 18},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := BraceEnd(tc.s, tc.limit, tc.stop); got != tc.want {
				t.Errorf("BraceEnd(%q, %d, %q) = %d, want %d", tc.s, tc.limit, tc.stop, got, tc.want)
			}
		})
	}
}

// A version written as a word (latest, $LATEST) is found, flagged as not
// a number, and refused by Parse with the reason; longer words and names
// running on are not versions.
func TestNonNumericVersion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, text string
		found    bool
	}{
		{`"arn:aws:lambda:us-east-1:123456789012:layer:foo:latest"`, "latest", true},
		{"arn:aws:lambda:us-east-1:123456789012:layer:foo:$LATEST\n", "$LATEST", true},
		{"arn:aws:lambda:us-east-1:123456789012:layer:foo:LATEST", "LATEST", true},
		{"arn:aws:lambda:us-east-1:123456789012:layer:foo:latest-2", "", false},
		{"arn:aws:lambda:us-east-1:123456789012:layer:foo:$HOME", "", false},
		{"arn:aws:lambda:us-east-1:123456789012:layer:foo:abcdefghijklmnopqrstuvwxyz", "", false},
	} {
		ms := FindAll(tc.in)
		if !tc.found {
			for _, m := range ms {
				if m.NonNumeric {
					t.Errorf("%q: found non-numeric %q", tc.in, m.VersionText)
				}
			}
			continue
		}
		if len(ms) != 1 || !ms[0].NonNumeric || ms[0].VersionText != tc.text || ms[0].Version != 0 {
			t.Errorf("%q: matches %+v", tc.in, ms)
		}
	}
	_, err := Parse("arn:aws:lambda:us-east-1:123456789012:layer:foo:latest")
	if !errors.Is(err, ErrNotLayerARN) || !strings.Contains(err.Error(), `version "latest" is not a number`) {
		t.Errorf("Parse: %v", err)
	}
}

// A name built from a placeholder is matched, flagged, and refused by
// Parse; a name running into a word is still no ARN.
func TestNamePlaceholder(t *testing.T) {
	t.Parallel()
	ms := FindAll(`"arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python${replace(var.runtime, '.', '')}:98"`)
	if len(ms) != 1 || ms[0].Name != "Datadog-Python${replace(var.runtime, '.', '')}" || !ms[0].NameHasPlaceholder() || ms[0].Version != 98 {
		t.Errorf("matches %+v", ms)
	}
	ms = FindAll("arn:aws:lambda:us-east-1:901920570463:layer:aws-otel-java-agent-${var.lambda_arch}-ver-1-32-0:1")
	if len(ms) != 1 || ms[0].Name != "aws-otel-java-agent-${var.lambda_arch}-ver-1-32-0" || !ms[0].HasPlaceholder() {
		t.Errorf("matches %+v", ms)
	}
	if ms := FindAll("arn:aws:lambda:us-east-1:123456789012:layer:plain:3"); len(ms) != 1 || ms[0].NameHasPlaceholder() {
		t.Errorf("plain name: %+v", ms)
	}
	if _, err := Parse("arn:aws:lambda:us-east-1:901920570463:layer:x-${arch}:1"); !errors.Is(err, ErrNotLayerARN) {
		t.Errorf("Parse: %v", err)
	}
}
