// Command genregistry writes the demo directory registry (the layer zips
// and metadata under testdata/registry) from layerstest.DemoRegistry:
//
//	go run ./internal/layers/layerstest/genregistry testdata/registry
//
// The zips are deterministic, so regenerating changes nothing unless the
// demo definition changed; a test in internal/layers checks that.
package main

import (
	"fmt"
	"os"

	"github.com/bumpbot/bumpbot/internal/layers/layerstest"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: genregistry DIR")
		os.Exit(2)
	}
	if err := layerstest.WriteDemoRegistry(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "genregistry:", err)
		os.Exit(1)
	}
}
