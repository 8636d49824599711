#!/usr/bin/env bash
# Runs the vault's tests built for Windows (x86_64-pc-windows-gnu) under Wine, so the Windows
# keychain code (Credential Manager, through windows-native-keyring-store) is compiled and its
# tests run on Linux. Not part of test.sh: it builds a second target (minutes, GBs).
#   scripts/test-windows-wine.sh [crate]   (default sia-vault)
# Debian/Ubuntu packages: mingw-w64, wine (64-bit is enough). The Wine prefix lives in
# $HOME/.cache/sia/wine; scripts/wine/ holds a stand-in for a DLL that Wine 8 lacks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
target=x86_64-pc-windows-gnu
crate="${1:-sia-vault}"

missing=()
for p in mingw-w64 wine; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "Installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
rustup target list --installed | grep -qx "$target" || rustup target add "$target"

export WINEPREFIX="${WINEPREFIX:-$HOME/.cache/sia/wine}" WINEARCH=win64 WINEDEBUG="${WINEDEBUG:--all}"
if [ ! -d "$WINEPREFIX/drive_c/windows/system32" ]; then
  step "Creating the Wine prefix ($WINEPREFIX)"
  wineboot -i >/dev/null 2>&1 || true
  wineserver -w
fi
# Rust's std needs ProcessPrng (bcryptprimitives.dll); Wine 9 has it, Wine 8 does not.
shim="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
if [ "$(wine --version | sed 's/^wine-\([0-9]*\).*/\1/')" -lt 9 ] && [ ! -f "$shim" ]; then
  step "Adding ProcessPrng for Wine $(wine --version)"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$shim" \
    scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32
fi

step "Testing $crate for Windows under $(wine --version)"
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine cargo test -p "$crate" --target "$target"
