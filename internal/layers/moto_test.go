package layers_test

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

	"github.com/bumpbot/bumpbot/internal/layerarn"
	"github.com/bumpbot/bumpbot/internal/layers"
)

// TestMotoSecondOpinion publishes layer versions into moto (an AWS
// emulator written by others) with the real SDK and resolves them through
// the AWS registry: a check of the list path against a second
// implementation of the wire protocol. Moto has no GetLayerVersionByArn,
// so probing is covered by the layerstest fake only.
func TestMotoSecondOpinion(t *testing.T) {
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Log("moto_server not on PATH: nothing to compare against")
		return
	}
	t.Parallel()
	endpoint := startMoto(t, bin)
	opts := []func(*config.LoadOptions) error{
		config.WithBaseEndpoint(endpoint),
		config.WithRegion("us-east-1"),
		config.WithSharedConfigFiles([]string{}),
		config.WithSharedCredentialsFiles([]string{}),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKIDMOTO", "secret", "")),
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	client := lambda.NewFromConfig(cfg)
	var layerARN string
	for i := 1; i <= 53; i++ { // more than one page of 50
		out, err := client.PublishLayerVersion(context.Background(), &lambda.PublishLayerVersionInput{
			LayerName:          aws.String("moto-layer"),
			Content:            &types.LayerVersionContentInput{ZipFile: []byte("PK\x05\x06" + string(make([]byte, 18)))},
			CompatibleRuntimes: []types.Runtime{types.RuntimePython312},
			Description:        aws.String(fmt.Sprintf("build %d", i)),
		})
		if err != nil {
			t.Fatal(err)
		}
		layerARN = aws.ToString(out.LayerArn)
	}
	// Moto lists nothing when LayerName is a layer ARN (AWS accepts it,
	// and bumpbot needs it for other accounts' layers), so the list call
	// alone gets the bare name here; the requests are still the SDK's.
	reg := layers.NewAWS(func(region string) layers.LambdaAPI {
		return motoNames{lambda.NewFromConfig(cfg, func(o *lambda.Options) { o.Region = region })}
	}, 0)
	res, err := layers.Resolve(context.Background(), reg, layers.Request{
		Layer: mustARN(t, layerARN+":3"), Runtime: "python3.12",
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.To != 53 || res.ToVersion.Description != "build 53" || res.FromVersion.Description != "build 3" {
		t.Errorf("resolution = %d (%q from %q), want 53", res.To, res.ToVersion.Description, res.FromVersion.Description)
	}
}

// startMoto runs moto_server on a free loopback port until the test ends.
func startMoto(t *testing.T, bin string) string {
	t.Helper()
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

// motoNames works around moto's ListLayerVersions, which does not resolve
// a layer ARN given as LayerName.
type motoNames struct{ *lambda.Client }

func (m motoNames) ListLayerVersions(ctx context.Context, in *lambda.ListLayerVersionsInput, optFns ...func(*lambda.Options)) (*lambda.ListLayerVersionsOutput, error) {
	if a, err := layerarn.Parse(aws.ToString(in.LayerName)); err == nil {
		in.LayerName = aws.String(a.Name)
	}
	return m.Client.ListLayerVersions(ctx, in, optFns...)
}
