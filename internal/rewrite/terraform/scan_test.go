package terraform

import (
	"testing"
)

const (
	powertools = "arn:aws:lambda:${data.aws_region.current.name}:017000801446:layer:AWSLambdaPowertoolsPythonV2:46"
	datadog    = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:65"
	insights   = "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38"
	klayers    = "arn:aws:lambda:us-east-1:770693421928:layer:Klayers-p312-requests:9"
)

type scanCase struct {
	name    string
	archive string
	wants   []want
}

// scanCases are shared by TestScanModule, the edit roundtrip and the fuzz
// seed corpus.
var scanCases = []scanCase{
	{
		name: "powertools with data source region, function info",
		archive: `-- main.tf --
data "aws_region" "current" {}

resource "aws_lambda_function" "api" {
  function_name = "api"
  runtime       = "python3.12"
  architectures = ["arm64"]
  layers = [
    "` + powertools + `",
    "` + datadog + `",
  ]
}
`,
		wants: []want{
			{at: "main.tf|arn:aws:lambda:${data", arn: powertools, version: 46, verAt: "main.tf|46\"", context: "aws_lambda_function.api.layers[0]", fn: "python3.12 arm64"},
			{at: "main.tf|arn:aws:lambda:us-east-1", arn: datadog, version: 65, verAt: "main.tf|65\"", context: "aws_lambda_function.api.layers[1]", fn: "python3.12 arm64"},
		},
	},
	{
		name: "comments are not pins",
		archive: `-- main.tf --
# layers = ["arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:60"]
// arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:61
/* arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:62 */
resource "aws_lambda_function" "f" {
  layers = ["` + datadog + `"] # was :64
}
`,
		wants: []want{
			{at: "main.tf|arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:65", arn: datadog, version: 65, verAt: "main.tf|65\"", context: "aws_lambda_function.f.layers[0]"},
		},
	},
	{
		name: "unversioned layer and function ARNs are not pins",
		archive: `-- main.tf --
resource "aws_lambda_layer_version_permission" "p" {
  layer_name = "arn:aws:lambda:us-east-1:123456789012:layer:shared"
}
resource "aws_lambda_permission" "p" {
  function_name = "arn:aws:lambda:us-east-1:123456789012:function:api"
}
`,
	},
	{
		name: "local holding a whole ARN is reported once, at the local",
		archive: `-- locals.tf --
locals {
  insights_arn = "` + insights + `"
}
-- main.tf --
resource "aws_lambda_function" "api" {
  runtime = "nodejs20.x"
  layers  = [local.insights_arn]
}
resource "aws_lambda_function" "worker" {
  layers = ["${local.insights_arn}"]
}
`,
		wants: []want{
			{at: "locals.tf|arn:", arn: insights, version: 38, verAt: "locals.tf|38\"", context: "locals.insights_arn", fn: "nodejs20.x"},
		},
	},
	{
		name: "ADOT version in a number variable default",
		archive: `-- main.tf --
resource "aws_lambda_function" "api" {
  runtime = "python3.11"
  layers  = ["arn:aws:lambda:${var.region}:901920570463:layer:aws-otel-python-amd64-ver-1-25-0:${var.adot_version}"]
}
-- variables.tf --
variable "region" {
  type    = string
  default = "eu-west-1"
}
variable "adot_version" {
  type    = number
  default = 1
}
`,
		wants: []want{
			{at: "main.tf|arn:", arn: "arn:aws:lambda:${var.region}:901920570463:layer:aws-otel-python-amd64-ver-1-25-0:${var.adot_version}", version: 1, verAt: "variables.tf|1\n", context: "aws_lambda_function.api.layers[0]", fn: "python3.11"},
		},
	},
	{
		name: "version in a string variable default",
		archive: `-- main.tf --
locals {
  powertools = "arn:aws:lambda:eu-central-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:${var.powertools_version}"
}
variable "powertools_version" {
  default = "46"
}
`,
		wants: []want{
			{at: "main.tf|arn:", arn: "arn:aws:lambda:eu-central-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:${var.powertools_version}", version: 46, verAt: "main.tf|46\"", context: "locals.powertools"},
		},
	},
	{
		name: "version in locals, used twice",
		archive: `-- main.tf --
locals {
  dd_version = 65
}
resource "aws_lambda_function" "a" {
  layers = ["arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:${local.dd_version}"]
}
resource "aws_lambda_function" "b" {
  layers = ["arn:aws:lambda:us-west-2:464622532012:layer:Datadog-Extension:${local.dd_version}"]
}
`,
		wants: []want{
			{at: "main.tf|arn:aws:lambda:us-east-1", arn: "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:${local.dd_version}", version: 65, verAt: "main.tf|65\n", context: "aws_lambda_function.a.layers[0]"},
			{at: "main.tf|arn:aws:lambda:us-west-2", arn: "arn:aws:lambda:us-west-2:464622532012:layer:Datadog-Extension:${local.dd_version}", version: 65, verAt: "main.tf|65\n", context: "aws_lambda_function.b.layers[0]"},
		},
	},
	{
		name: "local ARN prefix with the version at the use site",
		archive: `-- main.tf --
locals {
  klayers_arn = "arn:aws:lambda:us-east-1:770693421928:layer:Klayers-p312-requests"
}
resource "aws_lambda_function" "api" {
  layers = ["${local.klayers_arn}:9"]
}
`,
		wants: []want{
			{at: `main.tf|"${local.klayers_arn}:9"`, arn: klayers, version: 9, verAt: "main.tf|9\"]", context: "aws_lambda_function.api.layers[0]"},
		},
	},
	{
		name: "format and join are placed at the call",
		archive: `-- main.tf --
locals {
  arn = "arn:aws:lambda:us-east-1:770693421928:layer:Klayers-p312-requests"
}
resource "aws_lambda_function" "api" {
  layers = [
    format("%s:%d", local.arn, 9),
    join(":", ["arn:aws:lambda", data.aws_region.current.name, "580247275435", "layer", "LambdaInsightsExtension", "38"]),
    format("arn:%s:lambda:%s:464622532012:layer:Datadog-Extension:%v", data.aws_partition.current.partition, var.region, 65),
  ]
}
`,
		wants: []want{
			{at: "main.tf|format(\"%s:%d\"", arn: klayers, version: 9, verAt: "main.tf|9)", context: "aws_lambda_function.api.layers[0]"},
			{at: "main.tf|join(", arn: "arn:aws:lambda:${data.aws_region.current.name}:580247275435:layer:LambdaInsightsExtension:38", version: 38, verAt: "main.tf|38\"", context: "aws_lambda_function.api.layers[1]"},
			{at: "main.tf|format(\"arn", arn: "arn:${data.aws_partition.current.partition}:lambda:${var.region}:464622532012:layer:Datadog-Extension:65", version: 65, verAt: "main.tf|65)", context: "aws_lambda_function.api.layers[2]"},
		},
	},
	{
		name: "China and GovCloud partitions",
		archive: `-- main.tf --
locals {
  cn  = "arn:aws-cn:lambda:cn-north-1:498634801083:layer:AWSLambdaPowertoolsPythonV2:40"
  gov = "arn:aws-us-gov:lambda:us-gov-west-1:165093116878:layer:AWSLambdaPowertoolsPythonV2:41"
}
`,
		wants: []want{
			{at: "main.tf|arn:aws-cn", arn: "arn:aws-cn:lambda:cn-north-1:498634801083:layer:AWSLambdaPowertoolsPythonV2:40", version: 40, verAt: "main.tf|40\"", context: "locals.cn"},
			{at: "main.tf|arn:aws-us-gov", arn: "arn:aws-us-gov:lambda:us-gov-west-1:165093116878:layer:AWSLambdaPowertoolsPythonV2:41", version: 41, verAt: "main.tf|41\"", context: "locals.gov"},
		},
	},
	{
		name: "module inputs",
		archive: `-- main.tf --
module "fn" {
  source        = "terraform-aws-modules/lambda/aws"
  runtime       = var.runtime
  architectures = ["x86_64"]
  layers = [
    "` + klayers + `",
    "arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:12",
  ]
}
variable "runtime" {
  default = "nodejs20.x"
}
`,
		wants: []want{
			{at: "main.tf|arn:aws:lambda:us-east-1:770", arn: klayers, version: 9, verAt: "main.tf|9\"", context: "module.fn.layers[0]", fn: "nodejs20.x x86_64"},
			{at: "main.tf|arn:aws:lambda:us-east-1:094", arn: "arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:12", version: 12, verAt: "main.tf|12\"", context: "module.fn.layers[1]", fn: "nodejs20.x x86_64"},
		},
	},
	{
		name: "for expression over regions",
		archive: `-- main.tf --
locals {
  layer_arns = [for r in var.regions : "arn:aws:lambda:${r}:017000801446:layer:AWSLambdaPowertoolsPythonV2:46"]
  by_region  = { for r in var.regions : r => "arn:aws:lambda:${r}:464622532012:layer:Datadog-Extension:65" if r != "" }
}
`,
		wants: []want{
			{at: "main.tf|arn:aws:lambda:${r}:017", arn: "arn:aws:lambda:${r}:017000801446:layer:AWSLambdaPowertoolsPythonV2:46", version: 46, verAt: "main.tf|46\"", context: "locals.layer_arns"},
			{at: "main.tf|arn:aws:lambda:${r}:464", arn: "arn:aws:lambda:${r}:464622532012:layer:Datadog-Extension:65", version: 65, verAt: "main.tf|65\"", context: "locals.by_region"},
		},
	},
	{
		name: "conditional branches and an unknown function",
		archive: `-- main.tf --
resource "aws_lambda_function" "api" {
  layers = var.arm ? ["arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension-Arm64:5"] : ["` + insights + `"]
  description = upper("arn:aws:lambda:us-east-1:123456789012:layer:docs:3")
  environment {
    variables = {
      EXTRA = "${var.on ? "arn:aws:lambda:us-east-1:123456789012:layer:extra:4" : ""}"
    }
  }
}
`,
		wants: []want{
			{at: "main.tf|arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension-Arm64", arn: "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension-Arm64:5", version: 5, verAt: "main.tf|5\"]", context: "aws_lambda_function.api.layers[0]"},
			{at: "main.tf|arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:", arn: insights, version: 38, verAt: "main.tf|38\"", context: "aws_lambda_function.api.layers[0]"},
			{at: "main.tf|arn:aws:lambda:us-east-1:123456789012:layer:docs", arn: "arn:aws:lambda:us-east-1:123456789012:layer:docs:3", version: 3, verAt: "main.tf|3\")", context: "aws_lambda_function.api.description"},
			{at: "main.tf|arn:aws:lambda:us-east-1:123456789012:layer:extra", arn: "arn:aws:lambda:us-east-1:123456789012:layer:extra:4", version: 4, verAt: "main.tf|4\" :", context: "aws_lambda_function.api.environment.variables.EXTRA"},
		},
	},
	{
		name: "auto tfvars override the default, other tfvars are scanned",
		archive: `-- main.tf --
variable "dd_version" {
  default = 60
}
resource "aws_lambda_function" "api" {
  layers = ["arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:${var.dd_version}"]
}
-- terraform.tfvars --
dd_version = 65
-- prod.tfvars --
dd_version = 66
extra_layer = "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38"
`,
		wants: []want{
			{at: "main.tf|arn:", arn: "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:${var.dd_version}", version: 65, verAt: "terraform.tfvars|65", context: "aws_lambda_function.api.layers[0]"},
			{at: "prod.tfvars|arn:", arn: insights, version: 38, verAt: "prod.tfvars|38", context: "extra_layer"},
		},
	},
	{
		name: "terragrunt inputs and locals",
		archive: `-- terragrunt.hcl --
include "root" {
  path = find_in_parent_folders()
}
locals {
  powertools_version = 46
}
inputs = {
  runtime = "python3.12"
  layers = [
    "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:${local.powertools_version}",
    dependency.shared.outputs.layer_arn,
  ]
}
`,
		wants: []want{
			{at: "terragrunt.hcl|arn:", arn: "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:${local.powertools_version}", version: 46, verAt: "terragrunt.hcl|46\n", context: "inputs.layers[0]", fn: "python3.12"},
		},
	},
	{
		name: "variable default holding the ARN",
		archive: `-- variables.tf --
variable "layer_arn" {
  description = "Datadog extension"
  default     = "` + datadog + `"
}
-- main.tf --
resource "aws_lambda_function" "api" {
  runtime = "provided.al2023"
  layers  = [var.layer_arn]
}
`,
		wants: []want{
			{at: "variables.tf|arn:", arn: datadog, version: 65, verAt: "variables.tf|65", context: "variable.layer_arn.default", fn: "provided.al2023"},
		},
	},
	{
		name: "region variable stays a placeholder, version without default stays null",
		archive: `-- main.tf --
variable "region" { default = "us-east-1" }
variable "v" {}
output "layer" {
  value = "arn:aws:lambda:${var.region}:464622532012:layer:Datadog-Extension:${var.v}"
}
`,
		wants: []want{
			{at: "main.tf|arn:", arn: "arn:aws:lambda:${var.region}:464622532012:layer:Datadog-Extension:${var.v}", context: "output.layer.value"},
		},
	},
	{
		name: "reference cycles stay placeholders",
		archive: `-- main.tf --
locals {
  a = "${local.b}:1"
  b = local.a
  self = "arn:aws:lambda:us-east-1:123456789012:layer:x:${local.self}"
  v = local.w
  w = local.v
  layer = "arn:aws:lambda:us-east-1:123456789012:layer:y:${local.v}"
  via_a = "arn:aws:lambda:us-east-1:123456789012:layer:z:${local.a}"
}
`,
		wants: []want{
			{at: "main.tf|arn:aws:lambda:us-east-1:123456789012:layer:x", arn: "arn:aws:lambda:us-east-1:123456789012:layer:x:${local.self}", context: "locals.self"},
			{at: "main.tf|arn:aws:lambda:us-east-1:123456789012:layer:y", arn: "arn:aws:lambda:us-east-1:123456789012:layer:y:${local.v}", context: "locals.layer"},
			{at: "main.tf|arn:aws:lambda:us-east-1:123456789012:layer:z", arn: "arn:aws:lambda:us-east-1:123456789012:layer:z:${local.a}", context: "locals.via_a"},
		},
	},
	{
		name: "lookup, element and index into local maps",
		archive: `-- main.tf --
locals {
  versions = { python = 46, node = 12 }
  accounts = ["017000801446", "094274105915"]
  py   = "arn:aws:lambda:us-east-1:${local.accounts[0]}:layer:AWSLambdaPowertoolsPythonV2:${lookup(local.versions, "python", 1)}"
  node = "arn:aws:lambda:us-east-1:${element(local.accounts, 1)}:layer:AWSLambdaPowertoolsTypeScriptV2:${local.versions.node}"
}
`,
		wants: []want{
			{at: "main.tf|arn:aws:lambda:us-east-1:${local.accounts[0]}", arn: "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:46", version: 46, verAt: "main.tf|46,", context: "locals.py"},
			{at: "main.tf|arn:aws:lambda:us-east-1:${element", arn: "arn:aws:lambda:us-east-1:${element(local.accounts, 1)}:layer:AWSLambdaPowertoolsTypeScriptV2:${local.versions.node}", version: 12, verAt: "main.tf|12 }", context: "locals.node"},
		},
	},
	{
		name: "escapes are not verbatim, the rest of the string is",
		archive: `-- main.tf --
locals {
  escaped_prefix = "$${keep} \"q\" arn:aws:lambda:us-east-1:123456789012:layer:a:7"
  escaped_version = "arn:aws:lambda:us-east-1:123456789012:layer:b:\u0031\u0032"
}
`,
		wants: []want{
			{at: "main.tf|arn:aws:lambda:us-east-1:123456789012:layer:a", arn: "arn:aws:lambda:us-east-1:123456789012:layer:a:7", version: 7, verAt: "main.tf|7\"", context: "locals.escaped_prefix"},
			{at: "main.tf|arn:aws:lambda:us-east-1:123456789012:layer:b", arn: "arn:aws:lambda:us-east-1:123456789012:layer:b:12", version: 12, context: "locals.escaped_version"},
		},
	},
	{
		name: "indented heredoc",
		archive: `-- main.tf --
resource "aws_ssm_parameter" "layers" {
  name  = "/app/layers"
  value = <<-EOT
    ` + klayers + `
      arn:aws:lambda:us-east-1:123456789012:layer:nested:${local.v}
    EOT
}
locals {
  v = 3
}
`,
		wants: []want{
			{at: "main.tf|arn:aws:lambda:us-east-1:770", arn: klayers, version: 9, verAt: "main.tf|9\n", context: "aws_ssm_parameter.layers.value"},
			{at: "main.tf|arn:aws:lambda:us-east-1:123456789012:layer:nested", arn: "arn:aws:lambda:us-east-1:123456789012:layer:nested:${local.v}", version: 3, verAt: "main.tf|3\n}", context: "aws_ssm_parameter.layers.value"},
		},
	},
	{
		name: "JSON syntax",
		archive: `-- main.tf.json --
{
  "//": "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:1",
  "variable": {
    "insights_version": { "default": 38 }
  },
  "resource": {
    "aws_lambda_function": {
      "api": {
        "runtime": "python3.12",
        "architectures": ["arm64"],
        "layers": [
          "` + datadog + `",
          "arn:aws:lambda:${var.region}:580247275435:layer:LambdaInsightsExtension:${var.insights_version}",
          "arn:aws:lambda:us-east-1:123456789012:layer:q\"x:1",
          "\"arn:aws:lambda:us-east-1:123456789012:layer:esc:2"
        ]
      }
    }
  }
}
`,
		wants: []want{
			{at: "main.tf.json|arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:65", arn: datadog, version: 65, verAt: "main.tf.json|65\"", context: "aws_lambda_function.api.layers[0]", fn: "python3.12 arm64"},
			{at: "main.tf.json|arn:aws:lambda:${var.region}", arn: "arn:aws:lambda:${var.region}:580247275435:layer:LambdaInsightsExtension:${var.insights_version}", version: 38, verAt: "main.tf.json|38 }", context: "aws_lambda_function.api.layers[1]", fn: "python3.12 arm64"},
			{at: `main.tf.json|"\"arn`, arn: "arn:aws:lambda:us-east-1:123456789012:layer:esc:2", version: 2, context: "aws_lambda_function.api.layers[3]", fn: "python3.12 arm64"},
		},
	},
}

func TestScanModule(t *testing.T) {
	t.Parallel()
	for _, tc := range scanCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files := parseArchive(tc.archive)
			refs, warns := ScanModule(files)
			if len(warns) > 0 {
				t.Fatalf("warnings: %v", warns)
			}
			check(t, files, refs, tc.wants)
		})
	}
}
