// Command bumpbot keeps AWS Lambda layer versions pinned in infrastructure
// code up to date: it scans a checkout for pinned layer ARNs, works out the
// right newer versions, shows the package changelog between them and edits
// the pins, or runs as a GitHub App that opens the pull requests itself.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes shared by every subcommand.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
	// exitViolations: audit found a violation that is due, and nothing
	// failed (govulncheck's convention).
	exitViolations = 3
)

// constructors of the subcommands; each subcommand file registers its own
// in an init function, so commands can be added without touching this file.
var constructors []func() *cobra.Command

func register(c func() *cobra.Command) { constructors = append(constructors, c) }

// usageError marks an error as the user's invocation being wrong (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// silentError carries an exit code for a failure already reported to the
// user (per-reference errors printed in the output).
type silentError struct{ code int }

func (e silentError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "bumpbot",
		Short: "Keep AWS Lambda layer versions pinned in infrastructure code up to date",
		Long: `bumpbot finds every pinned Lambda layer version (arn:...:layer:NAME:N) in
Terraform, CloudFormation/SAM, CDK and Serverless files, works out the right
newer version, and shows what changed inside the layer between the two.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			if cmd.Name() != "serve" && os.Getenv("GOMEMLIMIT") == "" {
				// A command-line run reads at most a few layers at a
				// time: collecting garbage early keeps a hostile layer
				// (tens of thousands of entries) under 64 MB of RSS. The
				// server's limit is the operator's (GOMEMLIMIT).
				debug.SetMemoryLimit(cliMemoryLimit)
			}
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	for _, c := range constructors {
		root.AddCommand(c())
	}
	return root
}

// cliMemoryLimit is the soft memory limit of command-line runs.
const cliMemoryLimit = 32 << 20

// run executes bumpbot with args and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	var silent silentError
	var usage usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &silent):
		return silent.code
	case errors.As(err, &usage), isCobraUsage(err):
		fmt.Fprintf(stderr, "bumpbot: %v\nRun 'bumpbot --help' for usage.\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "bumpbot: %v\n", err)
		return exitError
	}
}

// isCobraUsage recognizes cobra's own argument errors (unknown command,
// wrong argument count), which it does not type.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "unknown flag", "unknown shorthand"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// stamp is the release version a build script stamps in with -ldflags
// "-X main.stamp=…" (scripts/build-image.sh); empty otherwise.
var stamp string

// version is the release or module version and the VCS revision the
// binary was built from, as the build and the Go toolchain stamped them.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if stamp != "" {
		v = stamp
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = "+dirty"
			}
		}
	}
	if rev != "" {
		v += " (" + rev + modified + ")"
	}
	return v + " " + info.GoVersion
}
