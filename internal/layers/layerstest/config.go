package layerstest

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/bumpbot/bumpbot/internal/layers"
)

// ConfigOptions returns the SDK load options that point a client at the
// fake and sign as accessKey, without reading the machine's AWS files or
// environment credentials.
func (s *Server) ConfigOptions(accessKey string) []func(*config.LoadOptions) error {
	return []func(*config.LoadOptions) error{
		config.WithBaseEndpoint(s.URL),
		config.WithRegion("us-east-1"),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(accessKey, "secret", "")),
		config.WithRetryMode(aws.RetryModeAdaptive),
	}
}

// OpenRegistry opens the real AWS registry (the SDK's lambda.Client)
// through layers.OpenRegistry against the fake, signing as accessKey. A
// zero opts.MaxBackoff becomes a millisecond so throttling tests do not
// sleep; opts.ConfigOptions are appended to the fake's.
func (s *Server) OpenRegistry(tb testing.TB, accessKey string, opts layers.RegistryOptions) layers.Registry {
	tb.Helper()
	opts.ConfigOptions = append(s.ConfigOptions(accessKey), opts.ConfigOptions...)
	if opts.MaxBackoff == 0 {
		opts.MaxBackoff = time.Millisecond
	}
	reg, err := layers.OpenRegistry(context.Background(), "aws", opts)
	if err != nil {
		tb.Fatalf("open the AWS registry against the fake: %v", err)
	}
	return reg
}
