#!/usr/bin/env bash
# Runs sia-vault's tests against a real Secret Service: a private D-Bus session with
# gnome-keyring unlocked, in throwaway XDG folders (never the user's own keyring).
# Non-interactive and idempotent; installs what it needs; exits non-zero on any failure.
set -euo pipefail
# rustup's cargo, which builds with the toolchain pinned in rust-toolchain.toml, before any other.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/sia/target-vault}"

need=()
command -v dbus-run-session >/dev/null || need+=(dbus)
command -v dbus-send >/dev/null || need+=(dbus)
command -v dbus-launch >/dev/null || need+=(dbus-x11)
command -v gnome-keyring-daemon >/dev/null || need+=(gnome-keyring)
command -v secret-tool >/dev/null || need+=(libsecret-tools)
if ((${#need[@]})); then
  echo "test-keychain: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

# Build first, outside the keyring session, so a slow compile cannot outlive it.
cargo test -p sia-vault --features secret-service-tests --no-run

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch"/{data,runtime,config,cache}
chmod 700 "$scratch"/runtime
export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime" \
  XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
# No display: an unlock prompt must fail fast instead of waiting for a click.
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS

dbus-run-session -- bash -euo pipefail -c '
  printf %s ci | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # Prove the service answers before testing, so a broken setup fails loudly here.
  printf %s probe | secret-tool store --label=sia-vault-ready sia-vault-ready 1
  test "$(secret-tool lookup sia-vault-ready 1)" = probe
  secret-tool clear sia-vault-ready 1
  cargo test -p sia-vault --features secret-service-tests -- --test-threads=1
'
echo "test-keychain: OK"
