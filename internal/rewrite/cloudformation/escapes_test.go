package cloudformation

import "testing"

// TestScanDoubleQuotedEscapes checks that an ARN in a double-quoted YAML
// scalar or a JSON string is located at its own first byte whatever
// escapes and folded lines come before it, that the ARN is reported as
// written when the file spells it without escapes, and that version_at is
// set exactly when the version digits are written as they are.
func TestScanDoubleQuotedEscapes(t *testing.T) {
	t.Parallel()
	const (
		head    = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Layers:\n"
		ctx     = " ctx=Resources.Fn.Properties.Layers[0]"
		jsonFn  = "{\"Resources\": {\"Fn\": {\"Type\": \"AWS::Lambda::Function\", \"Properties\": {\"Layers\": [\n"
		jsonEnd = "\n]}}}}\n"
		req     = "arn:aws:lambda:us-east-1:123456789012:layer:requests-py312:1"
	)
	tests := []scanCase{
		{
			name: "unicode escape inside the layer name",
			src:  head + "        - \"arn:aws:lambda:us-east-1:123456789012:layer:requests\\u002dpy312:1\"\n",
			want: []string{"6:12 cloudformation " + req + " v=1 at=6:76" + ctx},
		},
		{
			name: "escaped quote and backslash before the arn",
			src:  head + "        - \"say \\\"hi\\\" \\\\ " + ddExt + "\"\n",
			want: []string{"6:26 cloudformation " + ddExt + " v=65 at=6:88" + ctx},
		},
		{
			name: "escape right before the arn",
			src:  head + "        - \"\\t" + ddExt + "\"\n",
			want: []string{"6:14 cloudformation " + ddExt + " v=65 at=6:76" + ctx},
		},
		{
			name: "arn starting with an escape",
			src:  head + "        - \"\\x61rn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:65\"\n",
			want: []string{"6:12 cloudformation " + ddExt + " v=65 at=6:77" + ctx},
		},
		{
			name: "escape then folded line break",
			src:  head + "        - \"a\\tb\n\n          " + ddExt + "\"\n",
			want: []string{"8:11 cloudformation " + ddExt + " v=65 at=8:73" + ctx},
		},
		{
			name: "escaped line break before the arn",
			src:  head + "        - \"\\u0020x \\\n          " + ddExt + "\"\n",
			want: []string{"7:11 cloudformation " + ddExt + " v=65 at=7:73" + ctx},
		},
		{
			name: "escaped line break inside the arn",
			src:  head + "        - \"arn:aws:lambda:us-east-1:464622532012:layer:\\\n          Datadog-Extension:65\"\n",
			want: []string{"6:12 cloudformation " + ddExt + " v=65 at=7:29" + ctx},
		},
		{
			name: "json template, escapes before the arn",
			src:  jsonFn + "  \"\\\"\\\\x\\u00e9 " + ddExt + "\"" + jsonEnd,
			want: []string{"2:16 cloudformation " + ddExt + " v=65 at=2:78" + ctx},
		},
		{
			name: "json template, escape in the account",
			src:  jsonFn + "  \"arn:aws:lambda:us-east-1:4646225320\\u00312:layer:Datadog-Extension:65\"" + jsonEnd,
			want: []string{"2:4 cloudformation " + ddExt + " v=65 at=2:71" + ctx},
		},
	}
	runScanCases(t, tests)
}
