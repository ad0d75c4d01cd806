package layers

import (
	"context"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// CallObserver is told about every Lambda API call the AWS registry makes:
// the operation (ListLayerVersions, GetLayerVersion, GetLayerVersionByArn)
// and its outcome after the SDK's retries. The GitHub App feeds its AWS
// metrics from it.
type CallObserver func(operation string, err error)

// observeCalls returns the SDK API option that reports each operation
// to observe, once per call (at the initialize step, outside the retries).
func observeCalls(observe CallObserver) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("bumpbotObserveCalls",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleInitialize(ctx, in)
				observe(awsmiddleware.GetOperationName(ctx), err)
				return out, md, err
			}), middleware.Before)
	}
}
