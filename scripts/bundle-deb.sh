#!/usr/bin/env bash
# Builds the Linux .deb package (release build, UI embedded) with the Tauri CLI.
# The CLI wants its config beside the crate, so it gets a symlink to the one
# root config for the duration of the build, with the paths it needs made absolute.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/setup-system.sh"
step "Building the web UI"
(cd ui && npm ci --no-audit --no-fund && npm run build)

link="$ROOT/src-tauri/tauri.conf.json"
ln -sf ../tauri.conf.json "$link"
trap 'rm -f "$link"' EXIT
# Absolute paths: the CLI reads them relative to src-tauri/, while the build
# (generate_context! merging the same overrides) reads them relative to the root.
overrides=$(cat <<JSON
{
  "build": { "frontendDist": "$ROOT/ui/dist" },
  "bundle": {
    "icon": ["$ROOT/icons/32x32.png", "$ROOT/icons/128x128.png", "$ROOT/icons/128x128@2x.png",
             "$ROOT/icons/icon.icns", "$ROOT/icons/icon.ico"]
  }
}
JSON
)
step "Bundling the .deb (release build)"
TAURI_APP_PATH=src-tauri npx --yes @tauri-apps/cli@2 build --bundles deb --config "$overrides" "$@"
find "$CARGO_TARGET_DIR/release/bundle/deb" -name '*.deb' -newer "$link" -print
