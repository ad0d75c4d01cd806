#!/usr/bin/env bash
# Floods `bumpbot serve` on 127.0.0.1 with 100 parallel 25 MiB webhook
# POSTs and reports, from outside, the server's peak RSS (VmHWM), the
# answers by status code, the answers to small signed deliveries sent
# during the flood, and the RSS 10 s after. Three rounds: bodies without a
# signature header, bodies with a well-formed but wrong signature sent at
# full speed, and the same uploaded slowly (so the bodies hold the budget
# while the signed deliveries arrive). Needs only Go.
# Usage: scripts/flood.sh [flood flags, e.g. -n 40]
# BUMPBOT_BIN=path measures another build (e.g. an older one) instead.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=${BUMPBOT_BIN:-}
if [ -z "$bin" ]; then
  go build -o "$work/bumpbot" ./cmd/bumpbot
  bin=$work/bumpbot
fi
go build -o "$work/flood" ./scripts/flood
"$work/flood" -bin "$bin" -mode unsigned "$@"
echo
"$work/flood" -bin "$bin" -mode forged "$@"
echo
"$work/flood" -bin "$bin" -mode forged -upload 8s "$@"
