package awsevents

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	const base = `"id":"e1","source":"aws.lambda","detail-type":"AWS API Call via CloudTrail","account":"123456789012","region":"eu-west-1"`
	tests := []struct {
		name, body, want, err string
	}{
		{"publish", `{` + base + `,"detail":{"eventName":"PublishLayerVersion20181031","responseElements":{"layerVersionArn":"arn:aws:lambda:eu-west-1:123456789012:layer:l:7"}}}`,
			"PublishLayerVersion20181031 arn:aws:lambda:eu-west-1:123456789012:layer:l:7", ""},
		{"delete by name", `{` + base + `,"detail":{"eventName":"DeleteLayerVersion20181031","awsRegion":"eu-west-1","requestParameters":{"layerName":"l","versionNumber":3}}}`,
			"DeleteLayerVersion20181031 arn:aws:lambda:eu-west-1:123456789012:layer:l:3", ""},
		{"delete by ARN", `{` + base + `,"detail":{"eventName":"DeleteLayerVersion20181031","requestParameters":{"layerName":"arn:aws-cn:lambda:cn-north-1:111111111111:layer:x","versionNumber":"2"}}}`,
			"DeleteLayerVersion20181031 arn:aws-cn:lambda:cn-north-1:111111111111:layer:x:2", ""},
		{"publish without ARN", `{` + base + `,"detail":{"eventName":"PublishLayerVersion20181031"}}`, "", "without detail.responseElements.layerVersionArn"},
		{"delete without version", `{` + base + `,"detail":{"eventName":"DeleteLayerVersion20181031","requestParameters":{"layerName":"l"}}}`, "", "without detail.requestParameters.versionNumber"},
		{"not JSON", `{"id":`, "", "not an EventBridge event"},
		{"no id", `{"source":"aws.lambda"}`, "", "no id"},
		{"other event", `{"id":"x","source":"aws.lambda","detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"CreateFunction20150331"}}`, "", errIgnored.Error()},
	}
	for _, tc := range tests {
		ev, err := Parse([]byte(tc.body))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %v, want an error containing %q", tc.name, err, tc.err)
			}
			if tc.err == errIgnored.Error() && !errors.Is(err, errIgnored) {
				t.Errorf("%s: not errIgnored", tc.name)
			}
			continue
		}
		if got := ev.Name + " " + ev.Version.String(); err != nil || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

// FuzzParse: any body parses or fails with a reason; never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"id":"e","source":"aws.lambda","detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"DeleteLayerVersion20181031","requestParameters":{"layerName":"l","versionNumber":1}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if _, err := Parse(body); err != nil && err.Error() == "" {
			t.Fatal("empty reason")
		}
	})
}
