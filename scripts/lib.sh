# Shared by the project's scripts: where builds go, and how to run a step with a heading.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Outside the clone, so a fresh clone on the same machine builds warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sia/target}"
export PATH="$HOME/.cargo/bin:$PATH"
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
