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
# Every test binary, even after one fails, so the report is whole.
status=0
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine cargo test -p "$crate" --target "$target" --no-fail-fast || status=$?

if [ "$crate" = sia-vault ]; then
  # The tests above use a mock keychain. This is the real one: Wine's Credential Manager
  # (CredWriteW/CredReadW/CredDeleteW), through the vault, from separate processes.
  step "The vault against Wine's Credential Manager (store, read from another process, forget)"
  cargo build --quiet -p sia-vault --example vault_probe --target "$target"
  probe="$CARGO_TARGET_DIR/$target/debug/examples/vault_probe.exe"
  dir="$(mktemp -d)"
  secret="wine-probe-$RANDOM$RANDOM"
  args=(--dir "$(winepath -w "$dir")" --service actions --env sandbox --account probe@example.com)
  expect() {
    local got
    got="$(printf '%s\n' "$secret" | wine "$probe" "$1" "${args[@]}" | tr -d '\r')"
    echo "  $1 -> $got"
    [ "$got" = "$2" ] || { echo "expected $2" >&2; status=1; }
  }
  # Wine keeps generic credentials (encrypted) under this registry key, one subkey each.
  in_store() { wine reg query 'HKCU\Software\Wine\Credential Manager' 2>/dev/null | grep -c 'sia-setup\.actions\.sandbox' || true; }
  printf '%s\n' "$secret" | wine "$probe" store "${args[@]}" >/dev/null || status=1
  if [ "$(in_store)" = 1 ]; then echo "  store -> one credential in Credential Manager"; else
    echo "not in Credential Manager" >&2
    status=1
  fi
  expect read match
  wine "$probe" forget "${args[@]}" >/dev/null || status=1
  expect read missing
  if [ "$(in_store)" = 0 ]; then echo "  forget -> none left in Credential Manager"; else
    echo "still in Credential Manager" >&2
    status=1
  fi
  rm -rf "$dir"
fi
exit "$status"
