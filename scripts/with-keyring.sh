#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring,
# so the app and the tests use a real Secret Service, never the user's own keyring.
set -euo pipefail
XDG_DATA_HOME="$(mktemp -d)"
XDG_RUNTIME_DIR="$(mktemp -d)"
chmod 700 "$XDG_RUNTIME_DIR"
export XDG_DATA_HOME XDG_RUNTIME_DIR
trap 'rm -rf "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"' EXIT
exec dbus-run-session -- sh -c 'printf %s sia-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec "$@"' sh "$@"
