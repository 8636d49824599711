#!/usr/bin/env bash
# Measures the release app: binary size, and cold start to a painted dashboard
# (median of N launches under Xvfb, read from the app's own "dashboard painted" log line).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
runs="${RUNS:-10}"

"$ROOT/scripts/setup-system.sh" --test
(cd ui && npm ci --no-audit --no-fund && npm run build)
step "Release build"
cargo build --release -p sia-setup
bin="$CARGO_TARGET_DIR/release/sia-setup"
printf 'binary: %s bytes (%.1f MB)\n' "$(stat -c %s "$bin")" "$(echo "$(stat -c %s "$bin") / 1000000" | bc -l)"

data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
times=()
for i in $(seq "$runs"); do
  log="$data/run-$i.log"
  rm -rf "$data/app"
  SIA_DATA_DIR="$data/app" SIA_LOG=sia=info timeout 30 \
    xvfb-run -a --server-args="-screen 0 1280x1000x24" "$bin" --demo 2>"$log" &
  pid=$!
  for _ in $(seq 300); do
    grep -q "dashboard painted" "$log" 2>/dev/null && break
    sleep 0.1
  done
  ms=$(grep -o 'dashboard painted [0-9]* ms' "$log" | grep -o '[0-9]*' || true)
  pkill -P "$pid" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -n "$ms" ] || { echo "run $i: no 'dashboard painted' line"; cat "$log"; exit 1; }
  times+=("$ms")
  echo "run $i: ${ms} ms"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
echo "cold start to painted dashboard: median ${sorted[$((runs / 2))]} ms, min ${sorted[0]} ms, max ${sorted[$((runs - 1))]} ms over $runs runs (target ≤ 1000 ms)"
