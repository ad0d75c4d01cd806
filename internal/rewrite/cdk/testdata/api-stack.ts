import { Stack, StackProps } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

// Old pin, kept for reference: arn:aws:lambda:us-east-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:3
/* arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:50 */
const datadogExtensionArn = 'arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:65';

export class ApiStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const re = /['"`]+/g; // a regex with quotes must not open a string
    const powertools = lambda.LayerVersion.fromLayerVersionArn(
      this,
      'PowertoolsLayer',
      `arn:aws:lambda:${Stack.of(this).region}:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:12`,
    );
    const insights: string = 'arn:aws:lambda:' + this.region + ':580247275435:layer:LambdaInsightsExtension:53';
    new lambda.Function(this, 'Handler', {
      runtime: lambda.Runtime.NODEJS_20_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset('dist'),
      layers: [
        powertools,
        lambda.LayerVersion.fromLayerVersionArn(this, 'Datadog', datadogExtensionArn),
        lambda.LayerVersion.fromLayerVersionArn(this, 'Node', `arn:aws:lambda:${this.region}:464622532012:layer:Datadog-Node20-x:112`),
      ],
      environment: { OTEL_LAYER: "arn:aws-cn:lambda:cn-north-1:123456789012:layer:otel:7" },
    });
  }
}
