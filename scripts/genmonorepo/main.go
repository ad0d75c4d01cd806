// Command genmonorepo writes the synthetic monorepo of the scan benchmark
// into a directory: genmonorepo DIR [FILES] [MEGABYTES].
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/bumpbot/bumpbot/internal/rewrite/monorepo"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: genmonorepo DIR [FILES] [MEGABYTES]")
		os.Exit(2)
	}
	spec := monorepo.Default
	if len(os.Args) > 2 {
		n, err := strconv.Atoi(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, "FILES:", err)
			os.Exit(2)
		}
		spec.Files = n
	}
	if len(os.Args) > 3 {
		mb, err := strconv.Atoi(os.Args[3])
		if err != nil {
			fmt.Fprintln(os.Stderr, "MEGABYTES:", err)
			os.Exit(2)
		}
		spec.Bytes = int64(mb) << 20
	}
	st, err := monorepo.Generate(os.Args[1], spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d files (%d IaC, %d pins), %d MB\n", st.Files, st.IaCFiles, st.Pins, st.Bytes>>20)
}
