import { Stack, StackProps } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";

export class ApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const utils = lambda.LayerVersion.fromLayerVersionArn(
      this,
      "NodeUtils",
      "arn:aws:lambda:eu-west-1:123456789012:layer:node-utils:11",
    );

    new lambda.Function(this, "Api", {
      runtime: lambda.Runtime.NODEJS_20_X,
      architecture: lambda.Architecture.ARM_64,
      handler: "index.handler",
      code: lambda.Code.fromAsset("dist"),
      layers: [utils],
    });
  }
}
