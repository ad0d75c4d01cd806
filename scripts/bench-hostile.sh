#!/usr/bin/env bash
# Runs `bumpbot changelog` between two versions of each hostile layer
# shape (overlap bombs, 100k entries, long names, jar bombs, deep
# node_modules; see layerziptest.HostileZips), both sides hostile, and
# reports wall time and peak RSS measured from outside the process, and
# the notes the changelog ends with. Needs GNU time (Debian package time).
# Goal: every changelog ≤ 2 s with a note, peak RSS ≤ 64 MB.
# Usage: scripts/bench-hostile.sh [RUNS] [extra bumpbot flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bumpbot" ./cmd/bumpbot
go run ./internal/layerzip/layerziptest/genhostile "$work/reg" > "$work/shapes"
arn=arn:aws:lambda:us-east-1:123456789012:layer
printf '%-24s %10s %14s %6s  %s\n' shape "best s" "max RSS KB" notes "first note"
while read -r shape; do
  best=999999 rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$work/t" "$work/bumpbot" changelog --no-cache \
      --registry "dir:$work/reg" "$@" "$arn:hostile-$shape:1" "$arn:hostile-$shape:2" > "$work/out" 2>&1 || true
    read -r secs kb < "$work/t"
    best=$(awk -v a="$best" -v b="$secs" 'BEGIN{print (b<a)?b:a}')
    rss=$(( kb > rss ? kb : rss ))
  done
  notes=$(grep -c '^- version' "$work/out" || true)
  first=$(grep -m1 '^- version' "$work/out" | cut -c1-90 || true)
  printf '%-24s %10s %14s %6s  %s\n' "$shape" "$best" "$rss" "$notes" "$first"
done < "$work/shapes"
