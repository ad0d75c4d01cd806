#!/usr/bin/env bash
# Times `bumpbot scan` against ripgrep on the synthetic monorepo (about
# 20,000 files, 200 MB, 2% IaC) and reports peak memory. Needs ripgrep and
# GNU time (Debian packages ripgrep, time). Usage: scripts/bench-scan.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bumpbot" ./cmd/bumpbot
go run ./scripts/genmonorepo "$work/tree"
# Warm the page cache so both tools read from memory.
rg -l 'arn:aws[a-z-]*:lambda:' "$work/tree" > /dev/null || true

measure() { # label, command...
  local label=$1; shift
  local best=999999 rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" > /dev/null 2>&1 || true
    read -r secs kb < "$work/t"
    best=$(awk -v a="$best" -v b="$secs" 'BEGIN{print (b<a)?b:a}')
    rss=$kb
  done
  printf '%-8s best of %s: %6.2f s   peak RSS %6d KB\n' "$label" "$runs" "$best" "$rss"
}
measure ripgrep rg -l 'arn:aws[a-z-]*:lambda:' "$work/tree"
measure bumpbot "$work/bumpbot" scan --json "$work/tree"
echo "references found: $("$work/bumpbot" scan "$work/tree" 2>/dev/null | wc -l)"
