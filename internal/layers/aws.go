package layers

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/smithy-go"

	"github.com/bumpbot/bumpbot/internal/layerarn"
)

// LambdaAPI is the part of the Lambda client the AWS registry uses;
// *lambda.Client implements it.
type LambdaAPI interface {
	ListLayerVersions(ctx context.Context, in *lambda.ListLayerVersionsInput, optFns ...func(*lambda.Options)) (*lambda.ListLayerVersionsOutput, error)
	GetLayerVersion(ctx context.Context, in *lambda.GetLayerVersionInput, optFns ...func(*lambda.Options)) (*lambda.GetLayerVersionOutput, error)
	GetLayerVersionByArn(ctx context.Context, in *lambda.GetLayerVersionByArnInput, optFns ...func(*lambda.Options)) (*lambda.GetLayerVersionByArnOutput, error)
}

// listPageSize is the largest page ListLayerVersions serves.
const listPageSize = 50

// AWS is the registry backed by the Lambda API: it lists the layers the
// caller may list and probes the others (third-party public layers).
type AWS struct {
	newClient func(region string) LambdaAPI
	window    int

	mu      sync.Mutex
	clients map[string]LambdaAPI
}

// NewAWS returns an AWS registry that gets the client of a region from
// newClient (called once per region) and steps over gaps of fewer than
// probeWindow versions when probing (0 means DefaultProbeWindow).
func NewAWS(newClient func(region string) LambdaAPI, probeWindow int) *AWS {
	if probeWindow < 1 {
		probeWindow = DefaultProbeWindow
	}
	return &AWS{newClient: newClient, window: probeWindow, clients: map[string]LambdaAPI{}}
}

func (a *AWS) client(region string) LambdaAPI {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.clients[region]
	if !ok {
		c = a.newClient(region)
		a.clients[region] = c
	}
	return c
}

// Versions implements Registry.
func (a *AWS) Versions(ctx context.Context, layer layerarn.ARN) ([]int, error) {
	l, err := a.Listing(ctx, layer)
	return l.Versions, err
}

// Listing implements Lister: ListLayerVersions when the caller may list
// the layer, otherwise probing upward from layer.Version.
func (a *AWS) Listing(ctx context.Context, layer layerarn.ARN) (Listing, error) {
	vs, err := a.list(ctx, layer)
	if err == nil {
		return Listing{Versions: vs, Complete: true}, nil
	}
	if !errors.Is(err, ErrAccessDenied) {
		return Listing{}, err
	}
	c := a.client(layer.Region)
	hits, _, err := probeNewest(ctx, layer.Version, a.window, func(ctx context.Context, v int) (Version, bool, error) {
		arn := layer.WithVersion(v)
		out, err := c.GetLayerVersionByArn(ctx, &lambda.GetLayerVersionByArnInput{Arn: aws.String(arn.String())})
		if err != nil {
			err = mapError(arn, err)
			if errors.Is(err, ErrAccessDenied) || errors.Is(err, ErrNotFound) {
				return Version{}, false, nil
			}
			return Version{}, false, err
		}
		return versionOf(arn, (*lambda.GetLayerVersionOutput)(out)), true, nil
	})
	if err != nil {
		return Listing{}, fmt.Errorf("probe %s: %w", layer.LayerARN(), err)
	}
	l := Listing{Described: hits}
	for _, h := range hits {
		l.Versions = append(l.Versions, h.ARN.Version)
	}
	sort.Ints(l.Versions)
	return l, nil
}

// list pages through ListLayerVersions. The full layer ARN is passed as
// LayerName so layers of other accounts are addressed correctly. Some
// Lambda emulators (moto) list nothing for an ARN and want the bare name:
// an empty answer is asked again by name, keeping only versions whose ARN
// is this layer's, so on AWS the retry can never pick up the caller's own
// layer of the same name.
func (a *AWS) list(ctx context.Context, layer layerarn.ARN) ([]int, error) {
	vs, err := a.listBy(ctx, layer, layer.LayerARN())
	if err != nil || len(vs) > 0 {
		return vs, err
	}
	return a.listBy(ctx, layer, layer.Name)
}

func (a *AWS) listBy(ctx context.Context, layer layerarn.ARN, name string) ([]int, error) {
	c := a.client(layer.Region)
	in := &lambda.ListLayerVersionsInput{LayerName: aws.String(name), MaxItems: aws.Int32(listPageSize)}
	var vs []int
	for {
		out, err := c.ListLayerVersions(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("list versions: %w", mapError(layer.WithVersion(0), err))
		}
		for _, it := range out.LayerVersions {
			if got, err := layerarn.Parse(aws.ToString(it.LayerVersionArn)); err == nil && got.WithVersion(0) != layer.WithVersion(0) {
				continue // another account's or region's layer of that name
			}
			vs = append(vs, int(it.Version))
		}
		if out.NextMarker == nil || *out.NextMarker == "" {
			break
		}
		in.Marker = out.NextMarker
	}
	sort.Ints(vs)
	return vs, nil
}

// Describe implements Registry with GetLayerVersion.
func (a *AWS) Describe(ctx context.Context, version layerarn.ARN) (Version, error) {
	out, err := a.client(version.Region).GetLayerVersion(ctx, &lambda.GetLayerVersionInput{
		LayerName:     aws.String(version.LayerARN()),
		VersionNumber: aws.Int64(int64(version.Version)),
	})
	if err != nil {
		return Version{}, mapError(version, err)
	}
	return versionOf(version, out), nil
}

// versionOf converts an SDK answer.
func versionOf(arn layerarn.ARN, out *lambda.GetLayerVersionOutput) Version {
	v := Version{
		ARN:         arn,
		Description: aws.ToString(out.Description),
		CreatedDate: aws.ToString(out.CreatedDate),
		LicenseInfo: aws.ToString(out.LicenseInfo),
	}
	for _, r := range out.CompatibleRuntimes {
		v.CompatibleRuntimes = append(v.CompatibleRuntimes, string(r))
	}
	for _, r := range out.CompatibleArchitectures {
		v.CompatibleArchitectures = append(v.CompatibleArchitectures, string(r))
	}
	if c := out.Content; c != nil {
		v.Location = aws.ToString(c.Location)
		v.CodeSha256 = aws.ToString(c.CodeSha256)
		v.CodeSize = c.CodeSize
	}
	return v
}

// mapError turns the SDK's errors into the sentinels callers branch on,
// keeping AWS's message where it helps the user.
func mapError(arn layerarn.ARN, err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "ResourceNotFoundException":
			return fmt.Errorf("%s: %w", arn, ErrNotFound)
		case "AccessDeniedException":
			return fmt.Errorf("%s: %w: %s", arn, ErrAccessDenied, api.ErrorMessage())
		case "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException":
			return fmt.Errorf("%s: %w: %s", arn, ErrNoCredentials, api.ErrorMessage())
		case "ThrottlingException", "TooManyRequestsException", "Throttling", "RequestLimitExceeded":
			return fmt.Errorf("%s: %w (%s): %s", arn, ErrThrottled, api.ErrorCode(), api.ErrorMessage())
		}
	}
	return fmt.Errorf("%s: %w", arn, err)
}
