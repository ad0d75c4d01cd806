package layers_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
)

// TestMotoSecondOpinion publishes layer versions into moto (an AWS
// emulator written by others) with the real SDK and resolves them through
// the AWS registry: a check of the list path against a second
// implementation of the wire protocol. Moto has no GetLayerVersionByArn,
// so probing is covered by the layerstest fake only.
func TestMotoSecondOpinion(t *testing.T) {
	endpoint, ok := layerstest.StartMoto(t)
	if !ok {
		t.Log("moto_server not on PATH: nothing to compare against")
		return
	}
	t.Parallel()
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
	// The registry as bumpbot opens it, unchanged: moto lists nothing for
	// a layer ARN given as LayerName, and the registry's by-name retry
	// (kept to this layer's ARN) is what makes it work there.
	reg, err := layers.OpenRegistry(context.Background(), "aws", layers.RegistryOptions{ConfigOptions: opts})
	if err != nil {
		t.Fatal(err)
	}
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
