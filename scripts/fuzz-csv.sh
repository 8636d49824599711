#!/usr/bin/env bash
# Fuzzes sia-csv's detection and parsing for a short, fixed time (issue 8): no panic, bounded memory.
# cargo-fuzz needs nightly features: on a stable toolchain RUSTC_BOOTSTRAP=1 unlocks them.
# Installs cargo-fuzz when missing. Exits non-zero on any crash, leak of memory past the limit, or timeout.
set -euo pipefail
# rustup's cargo, which builds with the toolchain pinned in rust-toolchain.toml, before any other.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SECONDS_TO_RUN="${SIA_FUZZ_SECONDS:-60}"
RSS_MB="${SIA_FUZZ_RSS_MB:-1024}"
TARGET_DIR="${SIA_FUZZ_TARGET_DIR:-$HOME/.cache/sia/target-csv-fuzz}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

cd "$ROOT/crates/csv-import"
# Seed with the checked-in corpus so the fuzzer starts from real-world shapes.
SEEDS="$TARGET_DIR/seeds"
mkdir -p "$SEEDS"
cp -f tests/corpus/*.csv tests/corpus/*.txt "$SEEDS/" 2>/dev/null || true

echo "== cargo fuzz run detect_parse for ${SECONDS_TO_RUN}s (rss limit ${RSS_MB} MB)"
cargo fuzz run detect_parse --target-dir "$TARGET_DIR" "$SEEDS" -- \
  -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb="$RSS_MB" -max_len=65536 -timeout=10 -print_final_stats=1
echo "fuzz-csv: no crash in ${SECONDS_TO_RUN}s"
