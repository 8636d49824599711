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

if ! command -v cargo >/dev/null; then
  step "Installing Rust (rustup)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy -c rustfmt
fi

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
