#!/usr/bin/env bash
# Installs what odoo-upgrade needs to build, test and run, from Debian 12 packages. Idempotent; run
# as root (or through sudo). Skips apt entirely when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache clang-format universal-ctags
  libcurl4-openssl-dev nlohmann-json3-dev libcli11-dev libpq-dev libspdlog-dev catch2
  libcpp-httplib-dev libssl-dev
  postgresql postgresql-contrib postgresql-client
  rsync openssh-client openssh-server openssl unzip ca-certificates python3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then
    exec sudo "$0" "$@"
  fi
  echo "install-deps: missing packages (${missing[*]}) and not root" >&2
  exit 3
fi
export DEBIAN_FRONTEND=noninteractive
echo "installing: ${missing[*]}" >&2
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The Debian package starts a system-wide cluster and sshd; we run our own throwaway ones instead.
