package layerarn

import "strings"

// partitions maps each AWS partition to the region prefixes it holds,
// most specific first; a region matching none is in "aws".
var partitions = []struct{ name, prefix string }{
	{"aws-cn", "cn-"},
	{"aws-us-gov", "us-gov-"},
	{"aws-iso-b", "us-isob-"},
	{"aws-iso-e", "eu-isoe-"},
	{"aws-iso-f", "us-isof-"},
	{"aws-iso", "us-iso-"},
	{"aws-eusc", "eusc-"},
}

// PartitionOf returns the partition a region belongs to: aws-cn for the
// China regions, aws-us-gov for GovCloud, the aws-iso* partitions for the
// isolated regions, aws-eusc for the European Sovereign Cloud, aws
// otherwise.
func PartitionOf(region string) string {
	for _, p := range partitions {
		if strings.HasPrefix(region, p.prefix) {
			return p.name
		}
	}
	return "aws"
}

func isPartition(s string) bool {
	if s == "aws" {
		return true
	}
	for _, p := range partitions {
		if s == p.name {
			return true
		}
	}
	return false
}

// IsRegion reports whether s has the shape of an AWS region name
// (us-east-1, cn-north-1, us-gov-west-1, us-isob-east-1, eusc-de-east-1),
// without listing regions that may appear after this binary was built.
func IsRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || len(parts[0]) < 2 || len(parts[0]) > 4 {
		return false
	}
	if !isDigits(parts[len(parts)-1]) {
		return false
	}
	for _, p := range parts[:len(parts)-1] {
		if !isRun(p, 'a', 'z') {
			return false
		}
	}
	return true
}

// IsPlaceholder tells a placeholder ARN field (${AWS::Region}, {region},
// %s, $AWS_REGION) from a literal one.
func IsPlaceholder(s string) bool { return strings.ContainsAny(s, "{}%$") }
