#!/usr/bin/env bash
# Installs what is missing and runs every test: UI checks and tests, Rust
# format/lint/tests, the keychain, contract and fuzz checks, and the app in a real window.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/setup-system.sh" --test

step "Release tooling: the pinned toolchain, the scripts and the release workflow agree"
"$ROOT/scripts/check-release.sh"

step "UI: install, type-check, format, unit tests"
(cd ui && npm ci --no-audit --no-fund && npm run check && npm run format:check && npm test)

step "Rust: format and lint"
cargo fmt --all --check
"$ROOT/scripts/build-app.sh" # clippy on src-tauri needs ui/dist
cargo clippy --workspace --all-targets -- -D warnings

step "A build without the demo carries no stand-in services"
cargo check -p sia-setup --no-default-features --features custom-protocol
if cargo tree -p sia-setup --no-default-features --features custom-protocol -e normal |
  grep -E "sia-sandbox|sia-actions-service|axum"; then
  echo "The app without the demo feature still depends on the stand-ins (above)." >&2
  exit 1
fi

step "Rust: tests (in a private keyring session)"
"$ROOT/scripts/with-keyring.sh" cargo test --workspace

step "TypeScript bindings are up to date with the Rust types"
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  stale="$(git -C "$ROOT" status --porcelain -- ui/src/lib/bindings)"
  if [ -n "$stale" ]; then
    echo "The generated bindings changed; commit them:" >&2
    echo "$stale" >&2
    exit 1
  fi
fi

step "The vault against a real Secret Service (gnome-keyring)"
"$ROOT/scripts/test-keychain.sh"

step "The Actions admin API against its OpenAPI contract (schemathesis)"
"$ROOT/scripts/check-openapi.sh"

step "Fuzzing CSV detection and parsing (briefly)"
"$ROOT/scripts/fuzz-csv.sh"

step "End to end: the real app in a real window (screenshots in tests/e2e/screenshots)"
(cd tests/e2e && npm ci --no-audit --no-fund)
rm -f tests/e2e/artifacts/driver-*.log
# A test that hangs (a window that never answers) fails after 10 minutes instead of holding CI.
SIA_APP_BINARY="$APP_BINARY" "$ROOT/scripts/with-keyring.sh" \
  xvfb-run -a --server-args="-screen 0 1280x1000x24" \
  node --test --test-concurrency=1 --test-timeout=600000 tests/e2e/ || {
  # The app's and the driver's own output, for whoever reads the failure.
  tail -n 60 tests/e2e/artifacts/driver-*.log
  exit 1
}

step "All tests passed"
