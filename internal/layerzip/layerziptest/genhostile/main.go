// Command genhostile writes a directory registry (the layout of
// testdata/registry/README.md) holding two versions of one layer per
// hostile shape of layerziptest.HostileZips, for measuring
// `bumpbot changelog` on them from outside the process:
//
//	go run ./internal/layerzip/layerziptest/genhostile DIR
//
// Layer hostile-SHAPE in us-east-1, account 123456789012, has versions 1
// and 2: the same shape with different zip comments, so different
// CodeSha256 and both sides are read. It prints one shape name a line.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/bumpbot/bumpbot/internal/layerzip/layerziptest"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: genhostile DIR")
		os.Exit(2)
	}
	if err := write(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "genhostile:", err)
		os.Exit(1)
	}
}

func write(root string) error {
	for v := 1; v <= 2; v++ {
		for _, h := range layerziptest.HostileZips(false, v) {
			dir := filepath.Join(root, "aws", "us-east-1", "123456789012", "hostile-"+h.Name)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.zip", v)), h.Zip, 0o644); err != nil {
				return err
			}
			if v == 1 {
				fmt.Println(h.Name)
			}
		}
	}
	return nil
}
