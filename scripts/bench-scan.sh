#!/usr/bin/env bash
# Times `bumpbot scan --json` against ripgrep (`rg -l 'arn:aws[a-z-]*:lambda:'`,
# the reference) on synthetic monorepos (2% IaC) of each size given, warm
# page cache, and prints per tool the best and median wall time of RUNS,
# the peak RSS (the highest of the runs), and the ratio of the best wall
# times to ripgrep's. With BASE=<rev> (e.g. BASE=main) that revision is
# built too and measured in the same runs; the tools take turns within
# each run, so a busy machine slows them alike.
# Needs ripgrep and GNU time (Debian packages ripgrep, time).
# Usage: [BASE=rev] scripts/bench-scan.sh [RUNS] [FILES:MB ...]   (default 5 20000:250 80000:1000)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20000:250 80000:1000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bumpbot" ./cmd/bumpbot
tools=(rg bumpbot)
if [ -n "${BASE:-}" ]; then
  mkdir "$work/src-base"
  git archive "$BASE" | tar -x -C "$work/src-base"
  (cd "$work/src-base" && go build -o "$work/base" ./cmd/bumpbot)
  tools+=(base)
fi

cmdline() { # tool → the command it runs on the tree
  case $1 in
  rg) echo rg -l 'arn:aws[a-z-]*:lambda:' "$work/tree" ;;
  *) echo "$work/$1" scan --json "$work/tree" ;;
  esac
}

# stats <file of "seconds kb" lines> → "best median peak_kb"
stats() {
  sort -n "$1" | awk '{s[NR]=$1; if ($2>k) k=$2} END{print s[1], s[int((NR+1)/2)], k}'
}

for size in "${sizes[@]}"; do
  files=${size%%:*} mb=${size##*:}
  rm -rf "$work/tree" "$work"/*.times
  go run ./scripts/genmonorepo "$work/tree" "$files" "$mb"
  # Warm the page cache so every tool reads from memory.
  $(cmdline rg) > /dev/null || true
  for _ in $(seq "$runs"); do
    for t in "${tools[@]}"; do
      # shellcheck disable=SC2046 # the command line is split on purpose (no spaces in it)
      /usr/bin/time -f '%e %M' -o "$work/t" $(cmdline "$t") > /dev/null 2>&1 || true
      cat "$work/t" >> "$work/$t.times"
    done
  done
  read -r rbest rmed rkb <<< "$(stats "$work/rg.times")"
  printf '%6s files, %5s MB, ripgrep:  best %5.2f s  median %5.2f s  peak %6d KB\n' "$files" "$mb" "$rbest" "$rmed" "$rkb"
  for t in "${tools[@]:1}"; do
    read -r best med kb <<< "$(stats "$work/$t.times")"
    name=$t
    [ "$t" = base ] && name="base ($BASE)"
    printf '%29s:  best %5.2f s  median %5.2f s  peak %6d KB  ratio %.2f (median %.2f)\n' "$name" "$best" "$med" "$kb" \
      "$(awk -v a="$best" -v b="$rbest" 'BEGIN{print a/b}')" "$(awk -v a="$med" -v b="$rmed" 'BEGIN{print a/b}')"
  done
done
