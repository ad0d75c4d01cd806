package com.example;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.ILayerVersion;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.constructs.Construct;

public class ServiceStack extends Stack {
    private static final char QUOTE = '"';
    // arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:1
    private static final String ADOT_JAVA = "arn:aws:lambda:us-west-2:901920570463:layer:aws-otel-java-agent-amd64-ver-1-32-0:4";

    public ServiceStack(final Construct scope, final String id) {
        super(scope, id);
        ILayerVersion insights = LayerVersion.fromLayerVersionArn(this, "Insights",
            String.format("arn:aws-us-gov:lambda:%s:002406178527:layer:LambdaInsightsExtension:21", this.getRegion()));
        String note = """
            Pinned: arn:aws:lambda:eu-west-1:580247275435:layer:LambdaInsightsExtension:53
            """;
    }
}
