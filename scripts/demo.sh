#!/usr/bin/env bash
# Installs what is missing, builds, and starts SIA Setup on its built-in demo services.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

"$ROOT/scripts/setup-system.sh"
"$ROOT/scripts/build-app.sh"
step "Starting SIA Setup in demo mode"
exec "$APP_BINARY" --demo "$@"
