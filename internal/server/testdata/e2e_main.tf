resource "aws_lambda_function" "f" {
  function_name = "f"
  runtime       = "python3.12"
  layers        = ["arn:aws:lambda:us-east-1:123456789012:layer:mylayer:5"]
}
