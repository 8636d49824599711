#!/usr/bin/env bash
# CSV import benchmark (issue 8): the release pipeline (detect + decode + parse + map + validate +
# dedupe) on 1,000,000 rows in UTF-8 and Big5, first preview of a 1 GB file, one cell edit in a
# 1M-row session, and PapaParse on the same files in the same run for the ratio.
# Measures; it does not judge CI. Exits non-zero only when something breaks, or when
# SIA_BENCH_STRICT=1 and a target is missed. Data goes to $SIA_BENCH_DATA (outside the repo).
set -euo pipefail
# rustup's cargo, which builds with the toolchain pinned in rust-toolchain.toml, before any other.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sia/target-csv}"
DATA="${SIA_BENCH_DATA:-$HOME/.cache/sia/bench-data}"
RUNS="${SIA_BENCH_RUNS:-5}"
PAPA_DIR="$ROOT/crates/csv-import/benches/papaparse"

command -v node >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs npm; }

echo "== build (bench profile: opt-level 3, LTO)"
cargo build --quiet --profile bench -p sia-csv --example bench --manifest-path "$ROOT/Cargo.toml"
BIN="$CARGO_TARGET_DIR/release/examples/bench"

mkdir -p "$DATA"
if [[ ! -s "$DATA/people-utf8.csv" || ! -s "$DATA/people-big5.csv" ]]; then
  echo "== generating 1,000,000-row UTF-8 file and its Big5 twin in $DATA"
  "$BIN" gen "$DATA" 1000000
fi
if [[ "${SIA_BENCH_SKIP_1G:-0}" != 1 && ! -s "$DATA/people-1g.csv" ]]; then
  echo "== generating a 1 GB file for the preview"
  "$BIN" gen-big "$DATA/people-1g.csv" 1024
fi
ls -la "$DATA"

echo "== npm ci (PapaParse)"
(cd "$PAPA_DIR" && npm ci --no-audit --no-fund --silent)

echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== rust pipeline, $RUNS runs each (fresh process per file, so peak RSS is per file)"
R_UTF8=$("$BIN" run "$DATA/people-utf8.csv" en-US "$RUNS"); echo "$R_UTF8"
R_BIG5=$("$BIN" run "$DATA/people-big5.csv" zh-TW "$RUNS"); echo "$R_BIG5"

echo "== papaparse, same files, same checks"
P_UTF8=$(node "$PAPA_DIR/bench.js" "$DATA/people-utf8.csv" utf-8 "$RUNS"); echo "$P_UTF8"
P_BIG5=$(node "$PAPA_DIR/bench.js" "$DATA/people-big5.csv" big5 "$RUNS"); echo "$P_BIG5"

PREVIEW=""
if [[ -s "$DATA/people-1g.csv" ]]; then
  echo "== first preview (encoding, delimiter, mapping, first 100 rows)"
  PREVIEW=$("$BIN" preview "$DATA/people-1g.csv" 9); echo "$PREVIEW"
  "$BIN" preview "$DATA/people-utf8.csv" 9
fi

echo "== one cell edit re-validated in a 1M-row session"
EDIT=$("$BIN" edit "$DATA/people-utf8.csv" 9); echo "$EDIT"

field() { awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit }}' <<<"$2"; }
counts() { sed -n 's/.*\(valid [0-9]* invalid [0-9]* duplicates [0-9]*\).*/\1/p' <<<"$1"; }

fail=0
for pair in "UTF8" "BIG5"; do
  r="R_$pair"; p="P_$pair"
  if [[ "$(counts "${!r}")" != "$(counts "${!p}")" ]]; then
    echo "MISMATCH ($pair): rust [$(counts "${!r}")] vs papaparse [$(counts "${!p}")]"; fail=1
  fi
done

ru=$(field median "$R_UTF8"); rb=$(field median "$R_BIG5")
pu=$(field median "$P_UTF8"); pb=$(field median "$P_BIG5")
mu=$(field peak_rss "$R_UTF8"); mb=$(field peak_rss "$R_BIG5")
pv=$(sed -n 's/.*median \([0-9.]*\) ms.*/\1/p' <<<"$PREVIEW")
ed=$(sed -n 's/.*median \([0-9.]*\) ms.*/\1/p' <<<"$EDIT")

missed=0
check() { # name value op target unit
  if awk -v v="$2" -v t="$4" "BEGIN{exit !(v $3 t)}"; then s=ok; else s=MISSED; missed=1; fi
  printf '  %-34s %10s %-3s (target %s %s %s) %s\n' "$1" "$2" "$5" "$3" "$4" "$5" "$s"
}
echo "== summary"
check "UTF-8 1M rows, median"      "$ru" "<=" 600 ms
check "Big5 1M rows, median"       "$rb" "<=" 900 ms
check "peak RSS, UTF-8"            "$mu" "<=" 250 MB
check "peak RSS, Big5"             "$mb" "<=" 250 MB
check "PapaParse/Rust, UTF-8"      "$(awk -v a="$pu" -v b="$ru" 'BEGIN{printf "%.1f", a/b}')" ">=" 5 x
check "PapaParse/Rust, Big5"       "$(awk -v a="$pb" -v b="$rb" 'BEGIN{printf "%.1f", a/b}')" ">=" 5 x
check "PapaParse/Rust CPU time, UTF-8" "$(awk -v a="$(field cpu "$P_UTF8")" -v b="$(field cpu "$R_UTF8")" 'BEGIN{printf "%.1f", a/b}')" ">=" 5 x
check "PapaParse/Rust CPU time, Big5"  "$(awk -v a="$(field cpu "$P_BIG5")" -v b="$(field cpu "$R_BIG5")" 'BEGIN{printf "%.1f", a/b}')" ">=" 5 x
echo "  (rust CPU per 1M-row run: UTF-8 $(field cpu "$R_UTF8") ms, Big5 $(field cpu "$R_BIG5") ms, on both cores; wall time also counts waiting for a core when the machine is shared)"
[[ -n "$pv" ]] && check "first preview of 1 GB"  "$pv" "<=" 100 ms
check "one edit in 1M rows, median" "$ed" "<=" 16 ms

if [[ $fail != 0 ]]; then echo "bench-csv: results differ between Rust and PapaParse"; exit 1; fi
if [[ $missed != 0 && "${SIA_BENCH_STRICT:-0}" == 1 ]]; then echo "bench-csv: a target was missed"; exit 1; fi
echo "bench-csv: done"
