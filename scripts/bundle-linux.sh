#!/usr/bin/env bash
# Builds the Linux packages (release build, UI embedded) with the Tauri CLI: the .deb for
# Debian/Ubuntu and the .rpm for Fedora/RHEL/openSUSE, from one release build.
#   scripts/bundle-linux.sh                    .deb and .rpm
#   SIA_BUNDLES=rpm scripts/bundle-linux.sh    only some (comma-separated: deb, rpm)
# Further arguments go to `tauri build` (for example --verbose).
# Packages land in $CARGO_TARGET_DIR/release/bundle/{deb,rpm}/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/setup-system.sh"
step "Building the web UI"
(cd ui && npm ci --no-audit --no-fund && npm run build)

stamp="$(mktemp)"
trap 'rm -f "$stamp"' EXIT
step "Bundling the Linux packages (release build)"
"$ROOT/scripts/tauri-cli.sh" build --bundles "${SIA_BUNDLES:-deb,rpm}" "$@"
find "$CARGO_TARGET_DIR/release/bundle" \( -name '*.deb' -o -name '*.rpm' \) -newer "$stamp" -exec ls -l {} +
