package layers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
)

// RegistryOptions tune OpenRegistry. The zero value is what the CLI uses.
type RegistryOptions struct {
	// ConfigOptions are extra AWS SDK load options (tests point the SDK
	// at a fake endpoint with them). The environment, shared config
	// files, AWS_PROFILE, AWS_REGION and AWS_ENDPOINT_URL(_LAMBDA) are
	// honoured by the SDK itself.
	ConfigOptions []func(*config.LoadOptions) error
	// Profile selects a shared config profile ("" = AWS_PROFILE or default).
	Profile string
	// CacheTTL is how long version lists and probe results are reused
	// (default 5 minutes; negative disables the cache).
	CacheTTL time.Duration
	// ProbeWindow is how many numbers past the newest version found are
	// checked when probing (default DefaultProbeWindow).
	ProbeWindow int
	// MaxAttempts bounds attempts per call, throttled ones included
	// (default 5).
	MaxAttempts int
	// MaxBackoff caps the delay between attempts (default: the SDK's 20s).
	MaxBackoff time.Duration
	// Observe, when set, is told about every Lambda API call.
	Observe CallObserver
}

// Defaults of RegistryOptions.
const (
	DefaultCacheTTL = 5 * time.Minute
	// AWSLocationTTL is how long a presigned Content.Location is reused:
	// AWS signs it for ten minutes.
	AWSLocationTTL     = 9 * time.Minute
	defaultMaxAttempts = 5
)

// OpenRegistry opens the registry named by spec: "aws" (the Lambda API)
// or "dir:PATH" (a directory laid out as described on Dir). The AWS
// registry needs credentials: when none are configured it fails with an
// error wrapping ErrNoCredentials that says what to set.
func OpenRegistry(ctx context.Context, spec string, opts RegistryOptions) (Registry, error) {
	ttl := opts.CacheTTL
	if ttl == 0 {
		ttl = DefaultCacheTTL
	}
	switch {
	case spec == "aws" || spec == "":
		reg, err := openAWS(ctx, opts)
		if err != nil {
			return nil, err
		}
		if ttl < 0 {
			return reg, nil
		}
		return NewCache(reg, ttl, AWSLocationTTL), nil
	case strings.HasPrefix(spec, "dir:"):
		return OpenDir(strings.TrimPrefix(spec, "dir:"))
	}
	return nil, fmt.Errorf("registry %q: want \"aws\" or \"dir:PATH\"", spec)
}

// openAWS loads the SDK configuration (credential chain, profile, region,
// endpoint overrides) and checks that credentials can be had.
func openAWS(ctx context.Context, opts RegistryOptions) (*AWS, error) {
	attempts := opts.MaxAttempts
	if attempts < 1 {
		attempts = defaultMaxAttempts
	}
	load := []func(*config.LoadOptions) error{
		// Adaptive mode backs off client-side when Lambda throttles
		// (TooManyRequestsException), which probing many layers can cause.
		config.WithRetryer(func() aws.Retryer {
			return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
				o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
					so.MaxAttempts = attempts
					if opts.MaxBackoff > 0 {
						so.MaxBackoff = opts.MaxBackoff
						so.Backoff = retry.NewExponentialJitterBackoff(opts.MaxBackoff)
					}
				})
			})
		}),
		// The SDK's own logger prints warnings such as the IMDSv1
		// fallback straight to stderr; bumpbot reports what matters
		// itself (one line when there are no credentials).
		config.WithLogger(logging.Nop{}),
	}
	if opts.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Observe != nil {
		load = append(load, config.WithAPIOptions([]func(*middleware.Stack) error{observeCalls(opts.Observe)}))
	}
	cfg, err := config.LoadDefaultConfig(ctx, append(load, opts.ConfigOptions...)...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if err := checkCredentials(ctx, cfg); err != nil {
		return nil, err
	}
	return NewAWS(func(region string) LambdaAPI {
		// The SDK maps the region to its partition's endpoint
		// (amazonaws.com.cn for cn-*) unless an endpoint is configured.
		return lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.Region = region })
	}, opts.ProbeWindow), nil
}

// noCredentialsHelp is the one line a user without credentials reads.
const noCredentialsHelp = "set AWS_PROFILE (or run `aws sso login`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use --registry dir:PATH"

func checkCredentials(ctx context.Context, cfg aws.Config) error {
	if cfg.Credentials == nil {
		return fmt.Errorf("%w: %s", ErrNoCredentials, noCredentialsHelp)
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return fmt.Errorf("%w: %s", ErrNoCredentials, noCredentialsHelp)
	}
	return nil
}
