package changelog

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// TestBuildNetworkFailureRedactsURL: when the content server is gone, the
// changelog still renders, with a note naming the failure but not the
// presigned URL's signature.
func TestBuildNetworkFailureRedactsURL(t *testing.T) {
	t.Parallel()
	srv := layerziptest.New(t)
	reg := &liveRegistry{srv: srv, zips: map[int][]byte{3: txtarZip(t, "python-1.txtar"), 5: txtarZip(t, "python-2.txtar")}, describes: map[int]int{}}
	srv.Close() // connection refused from now on
	c, err := (&Builder{Registry: reg}).Build(context.Background(), arn(t, 3), arn(t, 5))
	if err != nil {
		t.Fatal(err)
	}
	md := c.Markdown()
	if !strings.Contains(md, "version 3: could not read the layer content: GET http://") || !strings.Contains(md, "?REDACTED") {
		t.Errorf("markdown lacks the redacted network failure note:\n%s", md)
	}
	for _, text := range []string{md, fmt.Sprint(c.Notes)} {
		for _, secret := range []string{"X-Amz-Signature", "X-Amz-Credential", "X-Amz-Expires"} {
			if strings.Contains(text, secret) {
				t.Errorf("output leaks %s:\n%s", secret, text)
			}
		}
	}
}
