package layerarn_test

import (
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

func TestPartitions(t *testing.T) {
	t.Parallel()
	tests := []struct{ region, partition string }{
		{"us-east-1", "aws"},
		{"cn-north-1", "aws-cn"},
		{"us-gov-west-1", "aws-us-gov"},
		{"us-iso-east-1", "aws-iso"},
		{"us-isob-east-1", "aws-iso-b"},
		{"eu-isoe-west-1", "aws-iso-e"},
		{"us-isof-south-1", "aws-iso-f"},
		{"eusc-de-east-1", "aws-eusc"},
	}
	for _, tc := range tests {
		if got := layerarn.PartitionOf(tc.region); got != tc.partition {
			t.Errorf("PartitionOf(%s) = %s, want %s", tc.region, got, tc.partition)
		}
		if !layerarn.IsRegion(tc.region) {
			t.Errorf("IsRegion(%s) = false", tc.region)
		}
		// An ARN in every partition is recognised.
		arn := "arn:" + tc.partition + ":lambda:" + tc.region + ":123456789012:layer:x:3"
		if ms := layerarn.FindAll(arn); len(ms) != 1 || ms[0].Partition != tc.partition || ms[0].Region != tc.region {
			t.Errorf("FindAll(%s) = %+v", arn, ms)
		}
	}
	for _, bad := range []string{"us-east", "useast1", "US-EAST-1", "e-west-1", "europe-west-1x"} {
		if layerarn.IsRegion(bad) {
			t.Errorf("IsRegion(%s) = true", bad)
		}
	}
}
