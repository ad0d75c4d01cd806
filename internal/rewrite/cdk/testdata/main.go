package main

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/jsii-runtime-go"
)

// Datadog publishes the extension in every region under one account.
const datadogExtension = `arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension-ARM:65`

func NewServiceStack(scope awscdk.App, id string, region string) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, nil)
	quote := '"'
	_ = quote
	insights := awslambda.LayerVersion_FromLayerVersionArn(stack, jsii.String("Insights"),
		jsii.String(fmt.Sprintf("arn:aws:lambda:%s:580247275435:layer:LambdaInsightsExtension-Arm64:20", region)))
	/* arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension-Arm64:5 */
	_ = insights
	return stack
}
