#!/usr/bin/env bash
# Builds SIA Setup for Windows on Linux: the x86_64-pc-windows-gnu target (MinGW-w64), then the
# NSIS installer with the system's makensis. Debian/Ubuntu packages: mingw-w64, nsis.
#   scripts/bundle-windows.sh            the .exe, then the NSIS installer
#   scripts/bundle-windows.sh --exe-only the cross-compiled .exe alone
# Tauri's bundler adds its own NSIS plugin (nsis_tauri_utils.dll), downloaded from GitHub on
# first use into ~/.cache/tauri/NSIS; where GitHub cannot be reached the installer step fails,
# the script names the file and where it goes (exit 3), and the .exe is built all the same.
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

# Tauri's NSIS plugin, which the CLI downloads (checked against this SHA-1) when it is not here.
plugin="${XDG_CACHE_HOME:-$HOME/.cache}/tauri/NSIS/Plugins/x86-unicode/additional/nsis_tauri_utils.dll"
plugin_url="https://github.com/tauri-apps/nsis-tauri-utils/releases/download/nsis_tauri_utils-v0.5.3/nsis_tauri_utils.dll"
plugin_sha1="75197fee3c6a814fe035788d1c34ead39349b860"

step "Cross-compiling sia-setup.exe and building the NSIS installer"
if ! "$ROOT/scripts/tauri-cli.sh" build --target "$target" --bundles nsis "${@}"; then
  if [ -f "$exe" ] && ! { [ -f "$plugin" ] && sha1sum "$plugin" | grep -q "^$plugin_sha1 "; }; then
    cat >&2 <<MSG

The Windows app is built: $exe
(with WebView2Loader.dll beside it). The NSIS installer was not: it needs Tauri's NSIS plugin
  $plugin_url
(SHA-1 $plugin_sha1), which could not be downloaded from this machine. Copy that file to
  $plugin
and run this script again; the release build is reused (docs/packaging.md).
MSG
    exit 3
  fi
  exit 1
fi
ls -l "$exe"
find "$CARGO_TARGET_DIR/$target/release/bundle/nsis" -name '*.exe' -newer "$exe" -print 2>/dev/null
