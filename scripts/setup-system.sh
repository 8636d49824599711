#!/usr/bin/env bash
# Installs what building and running SIA Setup needs on Debian/Ubuntu, and only
# what is missing: system libraries, Rust, Node 20.19+, and (with --test) test tools.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

packages=(libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev libxdo-dev
  libayatana-appindicator3-dev librsvg2-dev curl ca-certificates fonts-noto-cjk
  dbus dbus-x11 gnome-keyring libsecret-tools xauth)
if [ "$want_tests" = 1 ]; then
  packages+=(webkit2gtk-driver xvfb python3-venv unzip)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  step "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# Rust comes from rustup, at the version pinned in rust-toolchain.toml, whatever other
# cargo is installed: Debian's /usr/bin/cargo or an old toolchain cannot build this
# workspace (rust-version), and another clippy reports other lints. lib.sh puts rustup's
# bin folder first on the PATH, so every script then uses this toolchain.
toolchain="$(pinned_toolchain)"
rustup_bin="$CARGO_HOME/bin/rustup"
if [ ! -x "$rustup_bin" ]; then
  step "Installing rustup (found: $(command -v cargo >/dev/null && cargo --version 2>/dev/null || echo "no cargo"))"
  # rustup-init itself, from where rustup's install script gets it. It must keep its name:
  # rustup decides what to be from the name it is run as.
  init_dir="$(mktemp -d)"
  curl --proto '=https' --tlsv1.2 -sSf -o "$init_dir/rustup-init" \
    "https://static.rust-lang.org/rustup/dist/$(uname -m)-unknown-linux-gnu/rustup-init"
  chmod +x "$init_dir/rustup-init"
  "$init_dir/rustup-init" -y --profile minimal --default-toolchain none
  rm -rf "$init_dir"
fi
mapfile -t want_components < <(pinned_list components)
mapfile -t want_targets < <(pinned_list targets)
have_components=" $("$rustup_bin" component list --toolchain "$toolchain" --installed 2>/dev/null | tr '\n' ' ') "
have_targets=" $("$rustup_bin" target list --toolchain "$toolchain" --installed 2>/dev/null | tr '\n' ' ') "
missing_rust=()
for c in "${want_components[@]}"; do
  [[ "$have_components" == *" $c-"* ]] || missing_rust+=("component $c")
done
for t in "${want_targets[@]}"; do
  [[ "$have_targets" == *" $t "* ]] || missing_rust+=("target $t")
done
if ! "$rustup_bin" run "$toolchain" rustc --version >/dev/null 2>&1 || [ "${#missing_rust[@]}" -gt 0 ]; then
  step "Installing Rust $toolchain with rustup (missing: ${missing_rust[*]:-the toolchain})"
  args=(--profile minimal)
  for c in "${want_components[@]}"; do args+=(--component "$c"); done
  for t in "${want_targets[@]}"; do args+=(--target "$t"); done
  "$rustup_bin" toolchain install "$toolchain" "${args[@]}"
fi
# The cargo every script runs: rustup's proxy, which reads rust-toolchain.toml.
hash -r
rust_now="$(cd "$ROOT" && cargo --version)"
case "$rust_now" in
  "cargo $toolchain "*) echo "Rust: $rust_now ($(command -v cargo), pinned in rust-toolchain.toml)" ;;
  *)
    echo "Expected cargo $toolchain from rustup, but $(command -v cargo) says: $rust_now" >&2
    echo "(RUSTUP_TOOLCHAIN, if set, overrides rust-toolchain.toml: unset it.)" >&2
    exit 1
    ;;
esac

node_ok() {
  command -v node >/dev/null &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'
}
if ! node_ok; then
  step "Installing Node.js 22 (Vite needs 20.19 or newer)"
  command -v npm >/dev/null || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
  as_root npm install -g n
  as_root n 22
  hash -r
  node_ok || { echo "Node.js 20.19 or newer is needed; found $(node --version 2>/dev/null || echo none)." >&2; exit 1; }
fi

if [ "$want_tests" = 1 ] && ! command -v tauri-driver >/dev/null; then
  step "Installing tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi
