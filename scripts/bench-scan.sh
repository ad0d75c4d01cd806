#!/usr/bin/env bash
# Times `bumpbot scan` against ripgrep (`rg -l 'arn:aws[a-z-]*:lambda:'`,
# the reference) on synthetic monorepos (2% IaC) of each size given, warm
# page cache, best of RUNS, and prints peak RSS and the ratio of the two
# wall times. Needs ripgrep and GNU time (Debian packages ripgrep, time).
# Usage: scripts/bench-scan.sh [RUNS] [FILES:MB ...]   (default 5 20000:250 80000:1000)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20000:250 80000:1000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bumpbot" ./cmd/bumpbot

best() { # command... → "seconds peak_kb"
  local b=999999 rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$work/t" "$@" > /dev/null 2>&1 || true
    read -r secs kb < "$work/t"
    b=$(awk -v a="$b" -v x="$secs" 'BEGIN{print (x<a)?x:a}')
    rss=$(( kb > rss ? kb : rss ))
  done
  echo "$b $rss"
}

for size in "${sizes[@]}"; do
  files=${size%%:*} mb=${size##*:}
  rm -rf "$work/tree"
  go run ./scripts/genmonorepo "$work/tree" "$files" "$mb"
  # Warm the page cache so both tools read from memory.
  rg -l 'arn:aws[a-z-]*:lambda:' "$work/tree" > /dev/null || true
  read -r rs rk <<< "$(best rg -l 'arn:aws[a-z-]*:lambda:' "$work/tree")"
  read -r bs bk <<< "$(best "$work/bumpbot" scan --json "$work/tree")"
  printf '%6s files, %5s MB: ripgrep %5.2f s (%6d KB)   bumpbot %5.2f s (%6d KB)   ratio %.2f\n' \
    "$files" "$mb" "$rs" "$rk" "$bs" "$bk" "$(awk -v a="$bs" -v b="$rs" 'BEGIN{print a/b}')"
done
