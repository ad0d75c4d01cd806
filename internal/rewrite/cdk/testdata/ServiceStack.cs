using Amazon.CDK;
using Amazon.CDK.AWS.Lambda;
using Constructs;

namespace Service
{
    public class ServiceStack : Stack
    {
        // arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:1
        private const string Quote = @"say ""hi""";

        internal ServiceStack(Construct scope, string id, IStackProps props = null) : base(scope, id, props)
        {
            var datadog = LayerVersion.FromLayerVersionArn(this, "Datadog",
                $"arn:aws:lambda:{this.Region}:464622532012:layer:dd-trace-dotnet:15");
            var insights = LayerVersion.FromLayerVersionArn(this, "Insights",
                @"arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension:53");
            char c = '"';
        }
    }
}
