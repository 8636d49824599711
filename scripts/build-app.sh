#!/usr/bin/env bash
# Builds the web UI and the desktop app (debug, UI embedded). Used by demo.sh and test.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

step "Building the web UI"
(cd "$ROOT/ui" && { [ -d node_modules ] && [ node_modules -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build)
step "Building the desktop app"
(cd "$ROOT" && cargo build -p sia-setup)
