from aws_cdk import Stack, aws_lambda as _lambda
from constructs import Construct

# arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:40 (old)
KLAYERS_REQUESTS = "arn:aws:lambda:us-east-1:770693421928:layer:Klayers-p312-requests:9"


class ServiceStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        powertools = _lambda.LayerVersion.from_layer_version_arn(
            self,
            "Powertools",
            layer_version_arn=f"arn:aws:lambda:{self.region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:7",
        )
        doc = """Layers used here:
        arn:aws:lambda:us-east-1:580247275435:layer:LambdaInsightsExtension-Arm64:20
        """
        adot = r'arn:aws:lambda:%s:901920570463:layer:aws-otel-python-arm64-ver-1-25-0:1' % self.region
        _lambda.Function(
            self,
            "Worker",
            runtime=_lambda.Runtime.PYTHON_3_12,
            architecture=_lambda.Architecture.ARM_64,
            handler="app.handler",
            code=_lambda.Code.from_asset("src"),
            layers=[powertools],
        )
