// Package testtool holds what tests of several packages share: golden
// files (Golden), and the external programs some tests drive
// (PostgreSQL's initdb, moto_server, cfn-lint, git, go). A test that
// needs one calls Need: on a machine without it the test is skipped with
// the reason, and where the tools are required (CI images that install
// them, BUMPBOT_REQUIRE_TOOLS=1) it fails instead, so a missing install
// cannot pass as green.
package testtool

import (
	"os"
	"os/exec"
	"testing"
)

// RequireEnv names the environment variable that turns a missing tool
// from a skip into a failure when set to 1.
const RequireEnv = "BUMPBOT_REQUIRE_TOOLS"

// installs says how to install the tools whose install is not obvious
// from their name.
var installs = map[string]string{
	"chromium": "apt-get install -y chromium",
	"cfn-lint": "pip install cfn-lint",
}

// Need returns the path of tool as exec.LookPath finds it on PATH. When
// it is not there, Need skips t with the reason and how to install it, or
// fails t when BUMPBOT_REQUIRE_TOOLS=1; either way the test goes no
// further.
func Need(t testing.TB, tool string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err == nil {
		return path
	}
	how := "install it"
	if cmd, ok := installs[tool]; ok {
		how = "install it (" + cmd + ")"
	}
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s is required (%s=1) but not found: %v; %s", tool, RequireEnv, err, how)
	}
	t.Skipf("%s not found (%v); %s to run this test, or set %s=1 to make its absence a failure", tool, err, how, RequireEnv)
	return ""
}
