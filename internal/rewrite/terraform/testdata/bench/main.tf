# A service of four functions sharing observability layers, the way many
# teams write it: versions in locals, ARNs assembled per region.

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = local.tags
  }
}

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  name = "orders-${var.environment}"
  tags = {
    Service     = "orders"
    Environment = var.environment
    Owner       = "platform-team"
  }

  powertools_version = 46
  datadog_version    = 65
  insights_version   = 38

  powertools_arn = "arn:aws:lambda:${data.aws_region.current.name}:017000801446:layer:AWSLambdaPowertoolsPythonV2:${local.powertools_version}"
  datadog_arn    = "arn:aws:lambda:${data.aws_region.current.name}:464622532012:layer:Datadog-Extension:${local.datadog_version}"
  insights_arn   = format("arn:%s:lambda:%s:580247275435:layer:LambdaInsightsExtension:%d", data.aws_partition.current.partition, data.aws_region.current.name, local.insights_version)
  klayers_arn    = join(":", ["arn:aws:lambda", var.region, "770693421928", "layer", "Klayers-p312-requests", "9"])

  common_layers = [local.powertools_arn, local.datadog_arn]

  functions = {
    create = { handler = "app.create.handler", memory = 512, timeout = 10 }
    get    = { handler = "app.get.handler", memory = 256, timeout = 5 }
    list   = { handler = "app.list.handler", memory = 256, timeout = 15 }
    delete = { handler = "app.delete.handler", memory = 256, timeout = 5 }
  }

  environment = {
    POWERTOOLS_SERVICE_NAME      = "orders"
    POWERTOOLS_METRICS_NAMESPACE = "Orders"
    LOG_LEVEL                    = var.environment == "prod" ? "INFO" : "DEBUG"
    DD_SITE                      = "datadoghq.eu"
    DD_API_KEY_SECRET_ARN        = aws_secretsmanager_secret.dd.arn
    TABLE_NAME                   = aws_dynamodb_table.orders.name
  }
}

resource "aws_secretsmanager_secret" "dd" {
  name = "${local.name}/datadog-api-key"
}

resource "aws_dynamodb_table" "orders" {
  name         = local.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"

  attribute {
    name = "pk"
    type = "S"
  }
  attribute {
    name = "sk"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }
}

resource "aws_iam_role" "lambda" {
  name = "${local.name}-lambda"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "basic" {
  role       = aws_iam_role.lambda.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy" "table" {
  name = "table"
  role = aws_iam_role.lambda.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteItem"]
        Resource = [aws_dynamodb_table.orders.arn, "${aws_dynamodb_table.orders.arn}/index/*"]
      },
      {
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = [aws_secretsmanager_secret.dd.arn]
      },
    ]
  })
}

resource "aws_lambda_function" "api" {
  for_each = local.functions

  function_name = "${local.name}-${each.key}"
  role          = aws_iam_role.lambda.arn
  handler       = each.value.handler
  runtime       = "python3.12"
  architectures = ["arm64"]
  memory_size   = each.value.memory
  timeout       = each.value.timeout
  filename      = data.archive_file.app.output_path

  source_code_hash = data.archive_file.app.output_base64sha256

  layers = concat(local.common_layers, [local.insights_arn])

  environment {
    variables = merge(local.environment, {
      FUNCTION = each.key
    })
  }

  tracing_config {
    mode = "Active"
  }

  tags = local.tags
}

resource "aws_lambda_function" "worker" {
  function_name = "${local.name}-worker"
  role          = aws_iam_role.lambda.arn
  handler       = "app.worker.handler"
  runtime       = "python3.12"
  architectures = ["arm64"]
  filename      = data.archive_file.app.output_path
  timeout       = 60

  layers = [
    local.powertools_arn,
    local.klayers_arn,
    "arn:aws:lambda:${var.region}:901920570463:layer:aws-otel-python-arm64-ver-1-25-0:1",
  ]

  dead_letter_config {
    target_arn = aws_sqs_queue.dlq.arn
  }
}

resource "aws_sqs_queue" "dlq" {
  name                      = "${local.name}-dlq"
  message_retention_seconds = 1209600
}

resource "aws_lambda_event_source_mapping" "worker" {
  event_source_arn = aws_sqs_queue.jobs.arn
  function_name    = aws_lambda_function.worker.arn
  batch_size       = 10
}

resource "aws_sqs_queue" "jobs" {
  name = "${local.name}-jobs"
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = 5
  })
}

data "archive_file" "app" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/app.zip"
}

output "function_arns" {
  value = { for k, f in aws_lambda_function.api : k => f.arn }
}

output "layers" {
  value = [for l in concat(local.common_layers, [local.insights_arn]) : l]
}
