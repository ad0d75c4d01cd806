#!/usr/bin/env bash
# Measures webhook ingest of `bumpbot serve` from outside, as GitHub would
# load it: wrk on loopback sends signed push deliveries (50 repositories,
# a delivery id of its own per request) at 8, 64 and 256 connections and
# reports deliveries acknowledged 202 per second and the p99 latency. The
# server runs on 127.0.0.1 with a throwaway SQLite database, a fresh key
# and a GitHub URL that refuses connections: nothing leaves the machine.
#
# Usage: scripts/ingest.sh [base-rev]
#   base-rev (e.g. main): also build that revision and measure it in the
#   same run, alternating with the work tree, and print the ratios.
# Environment: INGEST_ROUNDS (default 1; each round measures every build
# on a fresh server, the order alternating from round to round, and the
# tables show the median per connection count, the single figures in
# brackets), INGEST_DURATION (wrk -d, default 10s), INGEST_CONNS
# (default "8 64 256"), INGEST_THREADS (wrk -t, default 2),
# INGEST_REPOS (default 50). Needs Go, openssl, curl and wrk (installed
# with apt-get when missing and running as root).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
base=${1:-}
duration=${INGEST_DURATION:-10s}
conns=${INGEST_CONNS:-8 64 256}
threads=${INGEST_THREADS:-2}
repos=${INGEST_REPOS:-50}
rounds=${INGEST_ROUNDS:-1}
secret=ingest-test-secret

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y wrk >/dev/null
  else
    echo "ingest.sh: wrk is missing (apt-get install wrk)" >&2
    exit 1
  fi
fi

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# One signed push body per repository, as a Lua table for push.lua.
{
  echo "return {"
  for i in $(seq 0 $((repos - 1))); do
    body=$(printf '{"ref":"refs/heads/main","size":1,"installation":{"id":7},"repository":{"full_name":"acme/r%d","default_branch":"main"},"commits":[{"modified":["main.tf"]}]}' "$i")
    sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
    printf '  {body = [[%s]], sig = "sha256=%s"},\n' "$body" "$sig"
  done
  echo "}"
} >"$work/bodies.lua"
openssl genrsa -traditional -out "$work/key.pem" 2048 2>/dev/null

build() { # build <name> <rev or empty for the work tree>
  if [ -z "$2" ]; then
    go build -o "$work/$1" ./cmd/bumpbot
  else
    mkdir "$work/src-$1"
    git -C "$repo" archive "$2" | tar -x -C "$work/src-$1"
    (cd "$work/src-$1" && go build -o "$work/$1" ./cmd/bumpbot)
  fi
}

# measure <binary>: starts a fresh server, runs wrk at each connection
# count, prints "conns rps p99" lines on stdout.
measure() {
  local bin=$1 run=$2 port dir
  port=$(( 20000 + RANDOM % 20000 ))
  dir=$work/run-$run
  mkdir -p "$dir/registry"
  BUMPBOT_APP_ID=1 BUMPBOT_PRIVATE_KEY_FILE="$work/key.pem" BUMPBOT_WEBHOOK_SECRET=$secret \
    BUMPBOT_ADDR=127.0.0.1:$port BUMPBOT_DB="$dir/bumpbot.db" BUMPBOT_POLL_INTERVAL=0 \
    BUMPBOT_GITHUB_URL=http://127.0.0.1:9/ \
    "$bin" serve --registry "dir:$dir/registry" >"$dir/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "ingest.sh: server did not start:" >&2; cat "$dir/serve.log" >&2; exit 1; }
  # A short warm-up so the first point does not pay for page cache and
  # the first River statements.
  INGEST_DATA="$work/bodies.lua" INGEST_RUN="$run-warm" wrk -t 1 -c 8 -d 2s -s scripts/ingest/push.lua "http://127.0.0.1:$port" >/dev/null
  for c in $conns; do
    local out
    out=$(INGEST_DATA="$work/bodies.lua" INGEST_RUN="$run-c$c" wrk -t "$threads" -c "$c" -d "$duration" --timeout 10s \
      -s scripts/ingest/push.lua "http://127.0.0.1:$port" | grep '^RESULT')
    echo "$c $out"
  done
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
  server_pid=
}

# median <results files...>: per connection count, the median
# deliveries/s and the median p99 across rounds, then every figure.
median() {
  cat "$@" | awk '
    { c = $1; sub("rps=", "", $3); sub("p99_ms=", "", $5)
      if (!(c in n)) order[++k] = c
      n[c]++; rps[c, n[c]] = $3; p99[c, n[c]] = $5
      all[c] = all[c] sprintf(" %s/%s", $3, $5) }
    function med(a, c, m,   i, j, t, v) {
      for (i = 1; i <= m; i++) v[i] = a[c, i] + 0
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
      return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2 }
    END { for (i = 1; i <= k; i++) { c = order[i]
      printf "%s %.0f %.2f%s\n", c, med(rps, c, n[c]), med(p99, c, n[c]), all[c] } }'
}

report() { # report <name> <results files...>
  local name=$1
  shift
  echo "== $name"
  printf '%6s %10s %9s  %s\n' conns "deliv/s" "p99 ms" "[each round: deliv/s/p99 ms]"
  median "$@" | while read -r c rps p99 rest; do
    printf '%6s %10s %9s  [%s]\n' "$c" "$rps" "$p99" "$rest"
  done
}

echo "wrk -t $threads -d $duration, $repos repositories, connections: $conns; $rounds round(s); $(nproc) cores"
builds=head
if [ -n "$base" ]; then
  build base "$base"
  builds="base head"
fi
build head ""
for r in $(seq "$rounds"); do
  order=$builds
  if [ $((r % 2)) = 0 ]; then order=$(echo "$builds" | tr ' ' '\n' | tac | tr '\n' ' '); fi
  for b in $order; do
    measure "$work/$b" "$b$r" >"$work/$b-$r.txt"
  done
done
if [ -n "$base" ]; then
  report "base ($base, $(git rev-parse --short "$base"))" "$work"/base-*.txt
fi
report "work tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . || echo ', modified'))" "$work"/head-*.txt
if [ -n "$base" ]; then
  echo "== ratio work tree / base (medians)"
  paste -d' ' <(median "$work"/base-*.txt | cut -d' ' -f1-3) <(median "$work"/head-*.txt | cut -d' ' -f1-3) |
    awk '{ printf "%6s deliveries/s x%.2f, p99 x%.2f\n", $1, $5 / $2, $6 / $3 }'
fi
