#!/usr/bin/env bash
# Invite benchmark: 2,000 invites against the in-process stand-in with a client rate limit
# (default 50/s), single requests and SCIM Bulk; prints total time, the minimum the rate limit
# allows and their ratio (target <= 1.10). Exits non-zero if an invite is missing or the ratio misses.
# The run is paced by the limiter, not the CPU, so a dev build measures the same thing as a
# release one (and skips a long LTO build on 2 cores).
set -euo pipefail
# rustup's cargo, which builds with the toolchain pinned in rust-toolchain.toml, before any other.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sia/target-invite}"
cargo run --quiet -p sia-invite --example bench_invite -- \
    --count "${COUNT:-2000}" --rate "${RATE:-50/1}" --mode "${MODE:-both}" "$@"
