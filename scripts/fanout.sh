#!/usr/bin/env bash
# Fan-out benchmark: one layer-publish event for a layer 1,000 repositories
# of one installation pin → 1,000 pull requests, with the fake GitHub
# (ghapptest, on 127.0.0.1) answering each request after 5 ms and
# enforcing secondary write limits of 80/1s,500/6s, which bumpbot serve
# (a child process, the real binary) is configured with too. The server
# is killed (SIGKILL) halfway and started again. Prints, per database,
# the wall time against the floor the limits allow (writes / 80 per s),
# writes, requests and requests per pull request, secondary-limit
# answers, and the peak RSS (VmHWM from /proc) of each server process.
#
# Usage: scripts/fanout.sh [sqlite|postgres ...]   (default: both)
# Environment: FANOUT_REPOS (default 1000). PostgreSQL needs its server
# binaries (apt-get install postgresql); the test starts a throwaway
# cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
dbs=${*:-sqlite postgres}
for db in $dbs; do
  BUMPBOT_FANOUT_REPOS=${FANOUT_REPOS:-1000} BUMPBOT_FANOUT_DB=$db \
    go test -count=1 -timeout 30m -run '^TestFanOutBenchmark$' -v ./cmd/bumpbot/ 2>&1 |
    grep -E 'FANOUT|^(--- )?(FAIL|ok|PASS)|fanout_test.go' | grep -v '"level"' || true
done
