terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_lambda_function" "ingest" {
  function_name = "ingest"
  role          = aws_iam_role.ingest.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  architectures = ["x86_64"]
  filename      = "build/ingest.zip"

  layers = [
    "arn:aws:lambda:us-east-1:123456789012:layer:requests-py312:${var.requests_layer_version}",
    "arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:38",
  ]
}

resource "aws_iam_role" "ingest" {
  name = "ingest"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Action    = "sts:AssumeRole"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}
