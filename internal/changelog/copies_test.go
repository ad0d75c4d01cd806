package changelog

import (
	"archive/zip"
	"fmt"
	"strings"
	"testing"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

// TestManyCopiesBounded: a node_modules with 30 copies of one package
// (common enough for "ms") is one change whose JSON lists them all and
// whose Markdown stays short.
func TestManyCopiesBounded(t *testing.T) {
	t.Parallel()
	var e []layerziptest.Entry
	for i := range 30 {
		e = append(e, layerziptest.Entry{
			Name: fmt.Sprintf("nodejs/node_modules/dep-%02d/node_modules/ms/package.json", i),
			Data: fmt.Appendf(nil, `{"name":"ms","version":"2.0.%d"}`, i),
		})
	}
	to := layerziptest.BuildZip(t, e, layerziptest.Shape{Method: zip.Deflate})
	c := buildWith(t, nodeLayer(t, 1, "1.0.0"), to)
	var ms *Change
	for i, p := range c.Packages {
		if p.Name == "ms" {
			ms = &c.Packages[i]
		}
	}
	if ms == nil || strings.Count(ms.To, ", ") != 29 || !strings.HasPrefix(ms.To, "2.0.0, 2.0.1, 2.0.2,") || ms.Paths == nil || len(ms.Paths.To) != 30 {
		t.Fatalf("ms change %+v", ms)
	}
	md := c.Markdown()
	for _, line := range strings.Split(md, "\n") {
		if strings.Contains(line, "ms") && len(line) > 1000 {
			t.Errorf("markdown line of %d bytes: %s", len(line), line)
		}
	}
	for _, want := range []string{"| 2.0.0, 2.0.1, 2.0.2, 2.0.3, 2.0.4, 2.0.5, 2.0.6, … 23 more | added |", "… 23 more places"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}
