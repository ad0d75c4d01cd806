#!/usr/bin/env bash
# Measures ingest of `bumpbot serve` from outside, as GitHub and
# EventBridge would load it: wrk on loopback sends, at 8, 64 and 256
# connections,
#   github: signed push deliveries (50 repositories, a delivery id of its
#     own per request) to /webhooks/github;
#   aws: PublishLayerVersion20181031 events (CloudTrail via EventBridge,
#     an event id of its own per request, X-Bumpbot-Token set) to
#     /webhooks/aws, each for one of 5 layers that 10 of the 50
#     repositories pin: the layer index is seeded before the first
#     request, so each event reads the index and asks for 10 reconciles,
#     the path a real publish takes (an unpinned layer would only record
#     the event id);
# and reports deliveries acknowledged 202 per second and the p99 latency
# per kind. The server runs on 127.0.0.1 with a throwaway SQLite
# database, a fresh key and a GitHub URL that refuses connections:
# nothing leaves the machine.
#
# Usage: scripts/ingest.sh [base-rev]
#   base-rev (e.g. main): also build that revision and measure it in the
#   same run, alternating with the work tree, and print the ratios.
# Environment: INGEST_ROUNDS (default 1; each round measures every build
# on a fresh server, the order alternating from round to round, and the
# tables show the median per kind and connection count, the single
# figures in brackets), INGEST_DURATION (wrk -d, default 10s),
# INGEST_CONNS (default "8 64 256"), INGEST_KINDS (default "github aws";
# a base revision without /webhooks/aws answers 404 and measures 0/s),
# INGEST_THREADS (wrk -t, default 2), INGEST_REPOS (default 50, a
# multiple of 5). Needs Go, openssl, curl, sqlite3 and wrk (installed
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
kinds=${INGEST_KINDS:-github aws}
secret=ingest-test-secret
token=ingest-test-token
layers=5

for tool in wrk sqlite3; do
  if ! command -v "$tool" >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      apt-get install -y "$tool" >/dev/null
    else
      echo "ingest.sh: $tool is missing (apt-get install $tool)" >&2
      exit 1
    fi
  fi
done

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# One signed push body per repository, as a Lua table for deliver.lua.
{
  echo "return {"
  for i in $(seq 0 $((repos - 1))); do
    body=$(printf '{"ref":"refs/heads/main","size":1,"installation":{"id":7},"repository":{"full_name":"acme/r%d","default_branch":"main"},"commits":[{"modified":["main.tf"]}]}' "$i")
    sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)
    printf '  {body = [[%s]], sig = "sha256=%s"},\n' "$body" "$sig"
  done
  echo "}"
} >"$work/github.lua"
# One publish event per layer, "@ID@" standing for the event id.
{
  echo "return {"
  for l in $(seq 0 $((layers - 1))); do
    printf '  {body = [[{"version":"0","id":"@ID@","detail-type":"AWS API Call via CloudTrail","source":"aws.lambda","account":"123456789012","time":"2026-12-03T14:00:00Z","region":"us-east-1","resources":[],"detail":{"eventVersion":"1.08","eventSource":"lambda.amazonaws.com","eventName":"PublishLayerVersion20181031","awsRegion":"us-east-1","requestParameters":{"layerName":"layer-%d","content":{}},"responseElements":{"layerArn":"arn:aws:lambda:us-east-1:123456789012:layer:layer-%d","layerVersionArn":"arn:aws:lambda:us-east-1:123456789012:layer:layer-%d:9","version":9}}}]]},\n' "$l" "$l" "$l"
  done
  echo "}"
} >"$work/aws.lua"
# The layer index: repository i pins layer i mod 5 at version 3.
{
  echo "BEGIN;"
  for i in $(seq 0 $((repos - 1))); do
    printf "INSERT INTO bumpbot_layer_pin (installation_id, repo, seq, partition_name, region, account, layer, version, file, line) VALUES (7, 'acme/r%d', 1, 'aws', 'us-east-1', '123456789012', 'layer-%d', 3, 'main.tf', 1);\n" "$i" $((i % layers))
  done
  echo "COMMIT;"
} >"$work/index.sql"
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

# load <kind> <run> <wrk options...>: one wrk run of the kind's script.
load() {
  local kind=$1 run=$2
  shift 2
  INGEST_KIND=$kind INGEST_DATA="$work/$kind.lua" INGEST_TOKEN=$token INGEST_RUN=$run \
    wrk "$@" -s scripts/ingest/deliver.lua "http://127.0.0.1:$port"
}

# measure <binary>: starts a fresh server, seeds its layer index, runs
# wrk for each kind at each connection count, prints "kind:conns rps
# p99" lines on stdout.
measure() {
  local bin=$1 run=$2 dir
  port=$(( 20000 + RANDOM % 20000 ))
  dir=$work/run-$run
  mkdir -p "$dir/registry"
  BUMPBOT_APP_ID=1 BUMPBOT_PRIVATE_KEY_FILE="$work/key.pem" BUMPBOT_WEBHOOK_SECRET=$secret \
    BUMPBOT_ADDR=127.0.0.1:$port BUMPBOT_DB="$dir/bumpbot.db" BUMPBOT_POLL_INTERVAL=0 \
    BUMPBOT_LAYER_POLL_INTERVAL=0 BUMPBOT_AWS_EVENTS_TOKEN=$token \
    BUMPBOT_GITHUB_URL=http://127.0.0.1:9/ \
    "$bin" serve --registry "dir:$dir/registry" >"$dir/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "ingest.sh: server did not start:" >&2; cat "$dir/serve.log" >&2; exit 1; }
  # The server has made its tables by the time it is ready.
  sqlite3 -cmd '.timeout 10000' "$dir/bumpbot.db" <"$work/index.sql"
  for kind in $kinds; do
    # A short warm-up so the first point does not pay for page cache and
    # the first statements.
    load "$kind" "$run-$kind-warm" -t 1 -c 8 -d 2s >/dev/null
    for c in $conns; do
      local out
      out=$(load "$kind" "$run-$kind-c$c" -t "$threads" -c "$c" -d "$duration" --timeout 10s | grep '^RESULT')
      echo "$kind:$c $out"
    done
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
  printf '%6s %6s %10s %9s  %s\n' kind conns "deliv/s" "p99 ms" "[each round: deliv/s/p99 ms]"
  median "$@" | while read -r c rps p99 rest; do
    printf '%6s %6s %10s %9s  [%s]\n' "${c%%:*}" "${c#*:}" "$rps" "$p99" "$rest"
  done
}

echo "wrk -t $threads -d $duration, $repos repositories, $layers layers, kinds: $kinds, connections: $conns; $rounds round(s); $(nproc) cores"
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
    awk '{ split($1, k, ":"); printf "%6s %6s deliveries/s x%.2f, p99 x%.2f\n", k[1], k[2], ($2 ? $5 / $2 : 0), ($3 ? $6 / $3 : 0) }'
fi
