#!/usr/bin/env bash
# Runs the Tauri CLI (npm @tauri-apps/cli 2) on the one root tauri.conf.json, for bundles:
#   scripts/tauri-cli.sh build --bundles deb,rpm [--target TRIPLE] [...]
# The CLI wants its config beside the crate, so it gets a symlink to the root config for the
# duration of the command, with the paths it needs made absolute (see docs/decisions.md §1).
# Expects ui/dist to be built (the bundle-* scripts do that first).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

link="$ROOT/src-tauri/tauri.conf.json"
ln -sf ../tauri.conf.json "$link"
trap 'rm -f "$link"' EXIT
# Absolute paths: the CLI reads them relative to src-tauri/, while the build
# (generate_context! merging the same overrides) reads them relative to the root.
overrides=$(
  cat <<JSON
{
  "build": { "frontendDist": "$ROOT/ui/dist" },
  "bundle": {
    "icon": ["$ROOT/icons/32x32.png", "$ROOT/icons/128x128.png", "$ROOT/icons/128x128@2x.png",
             "$ROOT/icons/icon.icns", "$ROOT/icons/icon.ico"]
  }
}
JSON
)
# Tauri's bundler writes under the cargo target folder; the CLI finds it through this variable.
TAURI_APP_PATH=src-tauri npx --yes @tauri-apps/cli@2 "$1" --config "$overrides" "${@:2}"
