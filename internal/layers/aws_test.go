package layers_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
)

const (
	ownLayer     = "arn:aws:lambda:us-east-1:111111111111:layer:own"
	publicLayer  = "arn:aws:lambda:us-east-1:222222222222:layer:public"
	privateLayer = "arn:aws:lambda:us-east-1:222222222222:layer:private"
)

// openFake opens the real AWS registry (real SDK client) against the fake,
// without cache unless ttl > 0.
func openFake(t *testing.T, srv *layerstest.Server, accessKey string, ttl time.Duration) layers.Registry {
	t.Helper()
	if ttl == 0 {
		ttl = -1
	}
	return srv.OpenRegistry(t, accessKey, layers.RegistryOptions{CacheTTL: ttl})
}

func mustARN(t *testing.T, s string) layerarn.ARN {
	t.Helper()
	a, err := layerarn.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func intRange(from, to int, skip ...int) []int {
	var out []int
	for v := from; v <= to; v++ {
		if !contains(skip, v) {
			out = append(out, v)
		}
	}
	return out
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestAWSListsOwnLayerAcrossPages(t *testing.T) {
	t.Parallel()
	srv := layerstest.New(t)
	srv.PublishRange(ownLayer, 1, 120, layerstest.Meta{}, 7, 8, 60)
	reg := openFake(t, srv, "AKIDOWNER", 0)

	got, err := reg.Versions(context.Background(), mustARN(t, ownLayer+":3"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(intRange(1, 120, 7, 8, 60), got); diff != "" {
		t.Errorf("versions (-want +got):\n%s", diff)
	}
	// 117 versions, 50 per page.
	if n := srv.Calls(layerstest.OpList); n != 3 {
		t.Errorf("ListLayerVersions calls = %d, want 3", n)
	}
	if n := srv.Calls(layerstest.OpGetByArn); n != 0 {
		t.Errorf("an own layer was probed: %d GetLayerVersionByArn calls", n)
	}
}

func TestAWSProbesThirdPartyLayer(t *testing.T) {
	t.Parallel()
	srv := layerstest.New(t)
	srv.AddCaller("AKIDOTHER", "333333333333")
	srv.PublishPublic(publicLayer, 1, 40, layerstest.Meta{}, 12, 13, 25)
	reg := openFake(t, srv, "AKIDOTHER", 0)

	l, err := reg.(layers.Lister).Listing(context.Background(), mustARN(t, publicLayer+":10"))
	if err != nil {
		t.Fatal(err)
	}
	if l.Complete || l.Newest() != 40 {
		t.Errorf("listing = complete %v newest %d, want probed newest 40", l.Complete, l.Newest())
	}
	if srv.Calls(layerstest.OpList) != 1 || srv.Calls(layerstest.OpGetByArn) == 0 {
		t.Errorf("calls: list %d, by-arn %d; want one denied list then probes",
			srv.Calls(layerstest.OpList), srv.Calls(layerstest.OpGetByArn))
	}
}

func TestAWSDescribe(t *testing.T) {
	t.Parallel()
	srv := layerstest.New(t)
	srv.AddCaller("AKIDOTHER", "333333333333")
	zip := []byte("PK\x05\x06" + string(make([]byte, 18)))
	meta := layerstest.Meta{Description: "requests 2.31", Runtimes: []string{"python3.12"}, Architectures: []string{"arm64"}, License: "Apache-2.0", Zip: zip}
	srv.PublishPublic(publicLayer, 1, 3, meta)
	srv.PublishRange(privateLayer, 1, 3, meta)
	srv.Delete(publicLayer + ":2")

	tests := []struct {
		name, key, arn string
		wantErr        error
	}{
		{"own", "AKIDOWNER", ownLayer + ":1", layers.ErrNotFound},
		{"public", "AKIDOTHER", publicLayer + ":3", nil},
		{"deleted to owner", "AKIDPUB", publicLayer + ":2", layers.ErrNotFound},
		{"deleted to others", "AKIDOTHER", publicLayer + ":2", layers.ErrAccessDenied},
		{"not shared", "AKIDOTHER", privateLayer + ":1", layers.ErrAccessDenied},
	}
	srv.AddCaller("AKIDPUB", "222222222222")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			reg := openFake(t, srv, tc.key, 0)
			v, err := reg.Describe(context.Background(), mustARN(t, tc.arn))
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if v.Description != "requests 2.31" || v.LicenseInfo != "Apache-2.0" || v.CodeSize != int64(len(zip)) ||
				v.CodeSha256 != sha256Base64(zip) ||
				!cmp.Equal(v.CompatibleRuntimes, []string{"python3.12"}) || !cmp.Equal(v.CompatibleArchitectures, []string{"arm64"}) {
				t.Errorf("metadata = %+v", v)
			}
			resp, err := http.Get(v.Location)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if string(body) != string(zip) {
				t.Errorf("content at Location = %q", body)
			}
		})
	}
}

func TestAWSRetriesThrottling(t *testing.T) {
	t.Parallel()
	srv := layerstest.New(t)
	srv.PublishRange(ownLayer, 1, 5, layerstest.Meta{})
	// Adaptive mode slows the client down after a throttle (about two
	// seconds here), so one throttle is enough to show the retry.
	srv.Throttle("", 1)
	reg := openFake(t, srv, "AKIDOWNER", 0)
	vs, err := reg.Versions(context.Background(), mustARN(t, ownLayer))
	if err != nil || len(vs) != 5 {
		t.Fatalf("versions = %v, %v; want 5 versions after retries", vs, err)
	}
	if n := srv.Calls(layerstest.OpList); n != 2 {
		t.Errorf("ListLayerVersions attempts = %d, want 2 (1 throttled)", n)
	}

	srv.Throttle("eu-west-1", -1)
	reg = srv.OpenRegistry(t, "AKIDOWNER", layers.RegistryOptions{CacheTTL: -1, MaxAttempts: 1})
	_, err = reg.Versions(context.Background(), mustARN(t, "arn:aws:lambda:eu-west-1:111111111111:layer:own"))
	if err == nil || !strings.Contains(err.Error(), "TooManyRequestsException") {
		t.Fatalf("err = %v, want the throttling reported", err)
	}
}

func TestAWSPartitions(t *testing.T) {
	t.Parallel()
	srv := layerstest.New(t)
	for _, arn := range []string{
		"arn:aws-cn:lambda:cn-north-1:111111111111:layer:own",
		"arn:aws-us-gov:lambda:us-gov-west-1:111111111111:layer:own",
	} {
		srv.PublishRange(arn, 1, 4, layerstest.Meta{})
		reg := openFake(t, srv, "AKIDOWNER", 0)
		res, err := layers.Resolve(context.Background(), reg, layers.Request{Layer: mustARN(t, arn+":2")})
		if err != nil || res.To != 4 {
			t.Errorf("%s: resolved to %d, %v; want 4", arn, res.To, err)
		}
	}
}

func TestAWSCacheAvoidsSecondCalls(t *testing.T) {
	t.Parallel()
	srv := layerstest.New(t)
	srv.AddCaller("AKIDOTHER", "333333333333")
	srv.PublishPublic(publicLayer, 1, 30, layerstest.Meta{Runtimes: []string{"python3.12"}})
	srv.PublishRange(ownLayer, 1, 9, layerstest.Meta{})
	reg := openFake(t, srv, "AKIDOTHER", time.Minute)

	resolve := func() {
		t.Helper()
		for _, pin := range []string{publicLayer + ":4", ownLayer + ":2"} {
			if _, err := layers.Resolve(context.Background(), reg, layers.Request{Layer: mustARN(t, pin), Runtime: "python3.12"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	resolve()
	if srv.TotalCalls() == 0 {
		t.Fatal("first resolution made no calls")
	}
	srv.ResetCalls()
	resolve()
	if n := srv.TotalCalls(); n != 0 {
		t.Errorf("second resolution within the TTL made %d calls, want 0", n)
	}
}

// TestAWSEndpointFromEnvironment checks that the SDK honours
// AWS_ENDPOINT_URL_LAMBDA by itself (no base endpoint option given).
func TestAWSEndpointFromEnvironment(t *testing.T) {
	srv := layerstest.New(t)
	srv.PublishRange(ownLayer, 1, 2, layerstest.Meta{})
	t.Setenv("AWS_ENDPOINT_URL_LAMBDA", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDOWNER")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", t.TempDir()+"/none")
	reg, err := layers.OpenRegistry(context.Background(), "aws", layers.RegistryOptions{CacheTTL: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Versions(context.Background(), mustARN(t, ownLayer)); err != nil {
		t.Fatal(err)
	}
	if srv.Calls(layerstest.OpList) != 1 {
		t.Errorf("the fake saw %d list calls, want 1", srv.Calls(layerstest.OpList))
	}
}

func TestAWSNoCredentials(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	_, err := layers.OpenRegistry(context.Background(), "aws", layers.RegistryOptions{})
	if !errors.Is(err, layers.ErrNoCredentials) {
		t.Fatalf("err = %v, want ErrNoCredentials", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "AWS_PROFILE") {
		t.Errorf("message %q does not say what to configure", msg)
	}
}

func sha256Base64(b []byte) string {
	sum := sha256.Sum256(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}
