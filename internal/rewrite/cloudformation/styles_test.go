package cloudformation

import "testing"

// TestScanScalarStyles checks that version_at points at the digits in the
// file for every YAML scalar style, and is null rather than wrong where the
// value is not a copy of the bytes (escapes).
func TestScanScalarStyles(t *testing.T) {
	t.Parallel()
	const head = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Layers:\n"
	tests := []scanCase{
		{
			name: "single quoted with a doubled quote before the arn",
			src:  head + "        - 'it''s " + ddExt + "'\n",
			want: []string{"6:18 cloudformation " + ddExt + " v=65 at=6:80 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "double quoted with an escape before the arn",
			src:  head + "        - \"x\\ty " + ddExt + "\"\n",
			want: []string{"6:17 cloudformation " + ddExt + " v=65 at=6:79 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "double quoted with an escape in the version",
			src:  head + "        - \"arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:6\\x35\"\n",
			want: []string{"6:12 cloudformation " + ddExt + " v=65 at=null ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "double quoted over two lines",
			src:  head + "        - \"first\n          " + ddExt + "\"\n",
			want: []string{"7:11 cloudformation " + ddExt + " v=65 at=7:73 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "plain over two lines",
			src:  head + "        - first\n          " + ddExt + "\n",
			want: []string{"7:11 cloudformation " + ddExt + " v=65 at=7:73 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "folded block",
			src:  head + "        - >-\n          " + ddExt + "\n",
			want: []string{"7:11 cloudformation " + ddExt + " v=65 at=7:73 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "literal block with a header comment, arn on the second line",
			src:  head + "        - |  # the layers\n          one\n          " + ddExt + "\n",
			want: []string{"8:11 cloudformation " + ddExt + " v=65 at=8:73 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "sub tag with an anchor, value on the next line",
			src:  head + "        - &dd !Sub\n          arn:aws:lambda:${AWS::Region}:464622532012:layer:Datadog-Extension:65\n",
			want: []string{"7:11 cloudformation arn:aws:lambda:${AWS::Region}:464622532012:layer:Datadog-Extension:65 v=65 at=7:78 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "sub as a folded block",
			src:  head + "        - !Sub >-\n          arn:aws:lambda:${AWS::Region}:464622532012:layer:Datadog-Extension:65\n",
			want: []string{"7:11 cloudformation arn:aws:lambda:${AWS::Region}:464622532012:layer:Datadog-Extension:65 v=65 at=7:78 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "multibyte characters before the arn",
			src:  head + "        - \"é→ " + ddExt + "\"\n",
			want: []string{"6:18 cloudformation " + ddExt + " v=65 at=6:80 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "crlf line ends",
			src:  "Resources:\r\n  Fn:\r\n    Type: AWS::Lambda::Function\r\n    Properties:\r\n      Layers:\r\n        - >-\r\n          x\r\n          " + ddExt + "\r\n",
			want: []string{"8:11 cloudformation " + ddExt + " v=65 at=8:73 ctx=Resources.Fn.Properties.Layers[0]"},
		},
		{
			name: "byte order mark",
			src:  "\xEF\xBB\xBFOutputs: {A: {Value: " + ddExt + "}}\nResources: {}\n",
			want: []string{"1:25 cloudformation " + ddExt + " v=65 at=1:87 ctx=Outputs.A.Value"},
		},
		{
			name: "lone carriage returns give up verbatim positions",
			src:  "Outputs:\r  A: " + ddExt + "\rResources: {}\n",
			want: []string{"2:6 cloudformation " + ddExt + " v=65 at=null ctx=Outputs.A"},
		},
	}
	runScanCases(t, tests)
}
