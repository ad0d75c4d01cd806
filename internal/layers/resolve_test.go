package layers_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bumpbot/bumpbot/internal/layers"
	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
)

// TestResolve drives resolution through the real SDK and the fake, for a
// third-party layer (probed) and an own layer (listed).
func TestResolve(t *testing.T) {
	t.Parallel()

	srv := layerstest.New(t)
	srv.AddCaller("AKIDOTHER", "333333333333")
	py := layerstest.Meta{Runtimes: []string{"python3.11", "python3.12"}}
	py312 := layerstest.Meta{Runtimes: []string{"python3.12"}}
	// us-east-1 is ahead of eu-west-1; eu-west-1 lost 8 to a deletion.
	srv.PublishPublic("arn:aws:lambda:us-east-1:222222222222:layer:ext", 1, 12, py)
	srv.PublishPublic("arn:aws:lambda:eu-west-1:222222222222:layer:ext", 1, 9, py, 8)
	srv.PublishRange(ownLayer, 1, 6, py, 2)
	srv.PublishRange(ownLayer, 7, 9, py312)
	reg := openFake(t, srv, "AKIDOTHER", 0)
	regOwn := openFake(t, srv, "AKIDOWNER", 0)

	tests := []struct {
		name        string
		reg         layers.Registry
		req         layers.Request
		wantTo      int
		wantMissing []string
		wantErr     error
	}{
		{"probed latest", reg, layers.Request{Layer: mustARN(t, "arn:aws:lambda:us-east-1:222222222222:layer:ext:3")}, 12, nil, nil},
		{"probed next", reg, layers.Request{Layer: mustARN(t, "arn:aws:lambda:us-east-1:222222222222:layer:ext:3"), Strategy: layers.Next}, 4, nil, nil},
		{"region set takes the newest common version", reg, layers.Request{
			Layer: mustARN(t, "arn:aws:lambda:us-east-1:222222222222:layer:ext:3"), Regions: []string{"us-east-1", "eu-west-1"},
		}, 9, nil, nil},
		{"region set steps over a version deleted in one region", reg, layers.Request{
			Layer: mustARN(t, "arn:aws:lambda:us-east-1:222222222222:layer:ext:7"), Regions: []string{"us-east-1", "eu-west-1"}, Strategy: layers.Next,
		}, 9, nil, nil},
		{"deleted pin", regOwn, layers.Request{Layer: mustARN(t, ownLayer+":2")}, 9, []string{"us-east-1"}, nil},
		{"runtime filter", regOwn, layers.Request{Layer: mustARN(t, ownLayer+":3"), Runtime: "python3.11"}, 6, nil, nil},
		{"nothing compatible", regOwn, layers.Request{Layer: mustARN(t, ownLayer+":6"), Runtime: "python3.11"}, 6, nil, layers.ErrIncompatible},
		{"capped by Max, over a version deleted in one region", reg, layers.Request{
			Layer: mustARN(t, "arn:aws:lambda:us-east-1:222222222222:layer:ext:3"), Regions: []string{"us-east-1", "eu-west-1"}, Max: 8,
		}, 7, nil, nil},
		{"capped probed latest", reg, layers.Request{Layer: mustARN(t, "arn:aws:lambda:us-east-1:222222222222:layer:ext:3"), Max: 10}, 10, nil, nil},
		{"never downgrades", regOwn, layers.Request{Layer: mustARN(t, ownLayer+":40")}, 40, []string{"us-east-1"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := layers.Resolve(context.Background(), tc.reg, tc.req)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if res.To != tc.wantTo || !cmp.Equal(res.Missing, tc.wantMissing) {
				t.Errorf("to %d missing %v, want %d %v (skipped %v)", res.To, res.Missing, tc.wantTo, tc.wantMissing, res.Skipped)
			}
		})
	}
}
