#!/usr/bin/env bash
# Builds SIA Setup for Windows on Linux: the x86_64-pc-windows-gnu target (MinGW-w64), then the
# NSIS installer with the system's makensis. Debian/Ubuntu packages: mingw-w64, nsis.
#   scripts/bundle-windows.sh            the .exe, then the NSIS installer
#   scripts/bundle-windows.sh --exe-only the cross-compiled .exe alone
# Tauri's bundler adds its own NSIS plugin (nsis_tauri_utils.dll), downloaded from GitHub on
# first use into ~/.cache/tauri/NSIS; where GitHub cannot be reached the installer step fails
# and docs/packaging.md says how to place the file by hand. The .exe is built either way.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
target=x86_64-pc-windows-gnu

"$ROOT/scripts/setup-system.sh"
missing=()
for p in mingw-w64 nsis; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "Installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
rustup target list --installed | grep -qx "$target" || rustup target add "$target"

step "Building the web UI"
(cd ui && npm ci --no-audit --no-fund && npm run build)

exe="$CARGO_TARGET_DIR/$target/release/sia-setup.exe"
if [ "${1:-}" = "--exe-only" ]; then
  step "Cross-compiling sia-setup.exe (release, UI embedded)"
  # Default features embed ui/dist (custom-protocol), as the CLI build below does.
  cargo build --release --target "$target" -p sia-setup
  ls -l "$exe"
  exit 0
fi

step "Cross-compiling sia-setup.exe and building the NSIS installer"
"$ROOT/scripts/tauri-cli.sh" build --target "$target" --bundles nsis "${@}"
ls -l "$exe"
find "$CARGO_TARGET_DIR/$target/release/bundle/nsis" -name '*.exe' -newer "$exe" -print 2>/dev/null
