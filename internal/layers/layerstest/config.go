package layerstest

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
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
