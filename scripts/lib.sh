# Shared by the project's scripts: where builds go, and how to run a step with a heading.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Outside the clone, so a fresh clone on the same machine builds warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sia/target}"
# rustup's cargo first, before any other (Debian's /usr/bin/cargo, say): it reads
# rust-toolchain.toml, so every script builds with the pinned toolchain.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export PATH="$CARGO_HOME/bin:$PATH"
# In CI every build is a first build: incremental state only costs time and many GB of disk.
if [ "${CI:-}" = "true" ]; then export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"; fi
APP_BINARY="$CARGO_TARGET_DIR/debug/sia-setup"

step() {
  printf '\n\033[1m==> %s\033[0m\n' "$*"
}

# Root runs apt-get directly; anyone else goes through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# The toolchain pinned in rust-toolchain.toml ("1.95.0"), and its lists (components, targets),
# one entry a line. A plain reader for the file's simple shape, so no TOML tool is needed.
pinned_toolchain() {
  sed -n 's/^channel *= *"\([^"]*\)".*/\1/p' "$ROOT/rust-toolchain.toml"
}
pinned_list() {
  sed -n "s/^$1 *= *\[\(.*\)\].*/\1/p" "$ROOT/rust-toolchain.toml" | tr ',' '\n' | tr -d ' "' | sed '/^$/d'
}
