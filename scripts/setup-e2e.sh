#!/usr/bin/env bash
# Idempotent setup for the offline VS Code tests (Route A of docs: code-server 4.100.3 =
# VS Code 1.100.3 on Node 20). code-server is installed once per version into a cache
# outside the clone ($REASONING_LENS_CACHE, default ~/.cache/reasoning-lens), so fresh
# clones and repeated CI runs reuse it; .e2e/code-server-<version> links to it. Safe to
# re-run: every step checks whether its result already exists.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
CODE_SERVER_VERSION="4.100.3"
E2E="$ROOT/.e2e"
CACHE="${REASONING_LENS_CACHE:-$HOME/.cache/reasoning-lens}"
INSTALL="$CACHE/code-server-$CODE_SERVER_VERSION"
PKG="$INSTALL/package"
MARKER="$INSTALL/.installed"
LINK="$E2E/code-server-$CODE_SERVER_VERSION"

link_into_clone() {
  mkdir -p "$E2E"
  if [ -L "$LINK" ] || [ ! -e "$LINK" ]; then
    ln -sfn "$INSTALL" "$LINK"
  fi
}

APT_PACKAGES=(chromium ripgrep libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup-e2e] installing apt packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "[setup-e2e] apt packages present"
fi

if [ -f "$MARKER" ]; then
  echo "[setup-e2e] code-server $CODE_SERVER_VERSION already installed at $PKG (cache)"
  link_into_clone
  exit 0
fi

mkdir -p "$INSTALL"
cd "$INSTALL"
if [ ! -d package ]; then
  echo "[setup-e2e] npm pack code-server@$CODE_SERVER_VERSION"
  tarball="$(npm pack "code-server@$CODE_SERVER_VERSION" --silent | tail -n1)"
  tar -xzf "$tarball"
  rm -f "$tarball"
fi

cd "$PKG"
echo "[setup-e2e] installing code-server dependencies (no scripts)"
npm install --omit=dev --ignore-scripts --no-audit --no-fund
npm rebuild argon2

cd "$PKG/lib/vscode"
echo "[setup-e2e] installing VS Code server dependencies (no scripts)"
npm install --omit=dev --ignore-scripts --no-audit --no-fund
# @vscode/ripgrep's postinstall downloads from GitHub; Debian's rg stands in for it.
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# node-pty's install calls `npx node-gyp`; the yes flag avoids a prompt with no terminal.
npm_config_yes=true npm rebuild
[ -e node_modules.asar ] || ln -s node_modules node_modules.asar

test -f "$PKG/lib/vscode/out/server-main.js"
touch "$MARKER"
link_into_clone
echo "[setup-e2e] done: $PKG"
