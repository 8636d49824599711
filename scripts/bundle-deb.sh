#!/usr/bin/env bash
# Builds the Linux .deb package alone (release build, UI embedded); see bundle-linux.sh for
# the .deb and the .rpm together.
set -euo pipefail
SIA_BUNDLES=deb exec "$(dirname "$0")/bundle-linux.sh" "$@"
