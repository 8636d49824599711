#!/usr/bin/env bash
# Measures the release app: binary size, and cold start to a painted dashboard
# (median of N launches under Xvfb, read from the app's own "dashboard painted" log line).
# `BENCH_BINARY=path` measures a binary already built (e.g. one built from an older commit, to
# compare: run the script once per binary, with the same RUNS, on an otherwise idle machine).
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
size=$(stat -c %s "$bin")
echo "release binary: $size bytes ($((size / 1000000)).$(( (size % 1000000) / 100000 )) MB; target ≤ 20 MB)"

data="$(mktemp -d)"
# One X server for all runs, so each run measures the app, not Xvfb's start.
Xvfb :77 -screen 0 1280x1000x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$data"' EXIT
sleep 1
times=()
for i in $(seq "$runs"); do
  log="$data/run-$i.log"
  rm -rf "$data/app"
  DISPLAY=:77 SIA_DATA_DIR="$data/app" SIA_LOG=sia=info "$bin" --demo 2>"$log" &
  pid=$!
  for _ in $(seq 300); do
    grep -q "dashboard painted" "$log" 2>/dev/null && break
    sleep 0.05
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  ms=$(grep -o 'dashboard painted [0-9]* ms' "$log" | grep -o '[0-9]*' || true)
  [ -n "$ms" ] || { echo "run $i: no 'dashboard painted' line"; cat "$log"; exit 1; }
  times+=("$ms")
  echo "run $i: ${ms} ms"
done
mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -n)
echo "cold start to painted dashboard: median ${sorted[$((runs / 2))]} ms, min ${sorted[0]} ms, max ${sorted[$((runs - 1))]} ms over $runs runs (target ≤ 1000 ms)"
