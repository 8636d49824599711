#!/usr/bin/env bash
# Measures the release app: binary size, and cold start to a painted dashboard
# (median of N launches under Xvfb, read from the app's own "dashboard painted" log line).
# `BENCH_BINARY=path` measures a binary already built (e.g. one built from an older commit).
# `BENCH_AGAINST=path` compares: the two binaries start in turn (A B A B …, so a machine that
# speeds up or slows down weighs on both alike), and the median of the pairwise ratios A/B is
# reported beside each one's median. Run on an otherwise idle machine.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
runs="${RUNS:-10}"

if [ -n "${BENCH_BINARY:-}" ]; then
  bin="$BENCH_BINARY"
else
  "$ROOT/scripts/setup-system.sh" --test
  (cd ui && npm ci --no-audit --no-fund && npm run build)
  step "Release build"
  cargo build --release -p sia-setup
  bin="$CARGO_TARGET_DIR/release/sia-setup"
fi
against="${BENCH_AGAINST:-}"
size=$(stat -c %s "$bin")
echo "release binary: $size bytes ($((size / 1000000)).$(( (size % 1000000) / 100000 )) MB; target ≤ 20 MB)"

data="$(mktemp -d)"
# One X server for all runs, so each run measures the app, not Xvfb's start.
Xvfb :77 -screen 0 1280x1000x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$data"' EXIT
sleep 1

# One cold start of `$1` in a fresh data folder; prints the painted-dashboard milliseconds.
start_once() {
  local binary="$1" log="$data/run.log"
  rm -rf "$data/app"
  DISPLAY=:77 SIA_DATA_DIR="$data/app" SIA_LOG=sia=info "$binary" --demo 2>"$log" &
  local pid=$!
  for _ in $(seq 300); do
    grep -q "dashboard painted" "$log" 2>/dev/null && break
    sleep 0.05
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local ms
  ms=$(grep -o 'dashboard painted [0-9]* ms' "$log" | grep -o '[0-9]*' || true)
  if [ -z "$ms" ]; then
    echo "no 'dashboard painted' line from $binary within 15 s; its log:" >&2
    tail -5 "$log" >&2
    return 1
  fi
  echo "$ms"
}

# A start that never painted (a loaded machine, a port still held) is said and tried once more.
start() {
  start_once "$1" || { echo "trying that start once more" >&2; start_once "$1"; }
}

# "median min max" of the numbers on stdin.
stats() {
  sort -g | awk '{ v[NR] = $1 } END { printf "%s %s %s\n", v[int((NR + 1) / 2)], v[1], v[NR] }'
}

times=()
others=()
ratios=()
for i in $(seq "$runs"); do
  ms=$(start "$bin")
  times+=("$ms")
  if [ -n "$against" ]; then
    other=$(start "$against")
    others+=("$other")
    ratios+=("$(awk -v a="$ms" -v b="$other" 'BEGIN { printf "%.3f", a / b }')")
    echo "run $i: ${ms} ms vs ${other} ms"
  else
    echo "run $i: ${ms} ms"
  fi
done
read -r median min max < <(printf '%s\n' "${times[@]}" | stats)
echo "cold start to painted dashboard: median ${median} ms, min ${min} ms, max ${max} ms over $runs runs (target ≤ 1000 ms)"
if [ -n "$against" ]; then
  read -r omedian omin omax < <(printf '%s\n' "${others[@]}" | stats)
  read -r rmedian rmin rmax < <(printf '%s\n' "${ratios[@]}" | stats)
  echo "compared with $against: median ${omedian} ms, min ${omin} ms, max ${omax} ms"
  echo "ratio this/compared, pair by pair: median ${rmedian}, min ${rmin}, max ${rmax} over $runs pairs"
fi
