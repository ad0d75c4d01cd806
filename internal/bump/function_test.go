package bump

import (
	"testing"

	"github.com/bumpbot/bumpbot/internal/rewrite/ref"
)

func TestFunctionOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		format  ref.Format
		context string
		want    string
	}{
		{ref.Terraform, "aws_lambda_function.ingest.layers[0]", "aws_lambda_function.ingest"},
		{ref.SAM, "Resources.ReportFunction.Properties.Layers[1]", "ReportFunction"},
		{ref.SAM, "Globals.Function.Layers[0]", "every function (Globals)"},
		{ref.Serverless, "functions.resize.layers[0]", "resize"},
		{ref.Serverless, "provider.layers[0]", "every function (provider)"},
		{ref.Pulumi, "resources.api.properties.layers[0]", "api"},
		{ref.Pulumi, "stack prod: resources.api.properties.layers[1]", "api (stack prod)"},
		{ref.Pulumi, "stack prod: variables.insights", ""},
		{ref.CDK, "LayerVersion.fromLayerVersionArn", ""},
		{ref.Text, "POWERTOOLS_LAYER", ""},
	}
	for _, tc := range tests {
		if got := functionOf(ref.Reference{Format: tc.format, Context: tc.context}); got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.format, tc.context, got, tc.want)
		}
	}
}
