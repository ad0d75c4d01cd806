package layerstest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"
	"github.com/bumpbot/bumpbot/internal/testtool"
)

// StartMoto runs moto_server (an AWS emulator written by others, a second
// opinion on the Lambda wire code) on a free loopback port until the test
// ends, and returns its endpoint. Without moto_server on PATH the test is
// skipped with the reason (failed under BUMPBOT_REQUIRE_TOOLS=1).
func StartMoto(t testing.TB) string {
	t.Helper()
	bin := testtool.Need(t, "moto_server")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(endpoint + "/moto-api/"); err == nil {
			resp.Body.Close()
			return endpoint
		}
	}
	t.Fatal("moto_server did not start")
	return ""
}

// MotoConfig is the SDK configuration that talks to a moto endpoint with
// static keys, ignoring the machine's AWS files.
func MotoConfig(endpoint string) []func(*config.LoadOptions) error {
	return []func(*config.LoadOptions) error{
		config.WithBaseEndpoint(endpoint),
		config.WithRegion("us-east-1"),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDMOTO", "secret", "")),
	}
}

// MotoPublish publishes n versions of layer name (python3.12, described
// "build 1".."build n") into moto with the real SDK. It returns the
// layer's ARN (no version) and the description of each version number
// moto gave: the SDK may retry a publish whose answer it lost, and moto
// then holds one more version than n, so tests expect what was published,
// not n.
func MotoPublish(t testing.TB, endpoint, name string, n int) (string, map[int]string) {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), MotoConfig(endpoint)...)
	if err != nil {
		t.Fatal(err)
	}
	client := lambda.NewFromConfig(cfg)
	var layerARN string
	versions := map[int]string{}
	for i := 1; i <= n; i++ {
		desc := fmt.Sprintf("build %d", i)
		out, err := client.PublishLayerVersion(context.Background(), &lambda.PublishLayerVersionInput{
			LayerName:          aws.String(name),
			Content:            &types.LayerVersionContentInput{ZipFile: []byte("PK\x05\x06" + string(make([]byte, 18)))},
			CompatibleRuntimes: []types.Runtime{types.RuntimePython312},
			Description:        aws.String(desc),
		})
		if err != nil {
			t.Fatal(err)
		}
		layerARN = aws.ToString(out.LayerArn)
		versions[int(out.Version)] = desc
	}
	return layerARN, versions
}

// Newest returns the highest version number of versions.
func Newest(versions map[int]string) int {
	n := 0
	for v := range versions {
		n = max(n, v)
	}
	return n
}
