#!/usr/bin/env bash
# Installs the Debian 12 packages cotenant needs to build and test, only when one is missing.
# Idempotent; prints nothing when there is nothing to do. Needs root (or sudo) when it installs.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libsimdjson-dev libsqlite3-dev sqlite3 libpsl-dev publicsuffix libidn2-dev
  libfmt-dev libcli11-dev libgtest-dev libgmock-dev libbenchmark-dev
  libboost1.81-dev libmaxminddb-dev zlib1g-dev libzstd-dev libssl-dev libre2-dev
)
# Node.js and npm install the report's JavaScript libraries (package.json) at build time. A
# machine that has them from elsewhere (e.g. NodeSource, whose nodejs bundles npm) keeps them.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi
if [ "${1:-}" = "--test" ]; then
  # chromium: the browser test of the report and the live UI (skips when absent).
  packages+=(python3 chromium)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "cotenant: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
# libboost1.81-dev conflicts with libboost-dev (1.74): remove the latter if present.
if dpkg-query -W -f='${Status}' libboost-dev 2>/dev/null | grep -q "install ok installed"; then
  $sudo apt-get remove -y -qq libboost-dev >/dev/null
fi
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
