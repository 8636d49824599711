#!/usr/bin/env bash
# Builds the Linux .deb package (release build, UI embedded) with the Tauri CLI.
# The CLI wants its config beside the crate, so it gets a symlink to the one
# root config for the duration of the build, with paths re-rooted at src-tauri/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/setup-system.sh"
step "Building the web UI"
(cd ui && npm ci --no-audit --no-fund && npm run build)

link="$ROOT/src-tauri/tauri.conf.json"
ln -sf ../tauri.conf.json "$link"
trap 'rm -f "$link"' EXIT
overrides=$(cat <<'JSON'
{
  "build": { "frontendDist": "../ui/dist" },
  "bundle": {
    "icon": ["../icons/32x32.png", "../icons/128x128.png", "../icons/128x128@2x.png",
             "../icons/icon.icns", "../icons/icon.ico"]
  }
}
JSON
)
step "Bundling the .deb (release build)"
TAURI_APP_PATH=src-tauri npx --yes @tauri-apps/cli@2 build --bundles deb --config "$overrides" "$@"
find "$CARGO_TARGET_DIR/release/bundle/deb" -name '*.deb' -newer "$link" -print
