#!/usr/bin/env bash
# Installs the Debian 12 packages clusterdns needs to build, test and benchmark.
# A no-op when they are all present. Run as root (or with sudo available).
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config ccache
  libboost-dev libyaml-cpp-dev libc-ares-dev libgtest-dev
  dnsutils            # dig, nslookup: used by the integration tests
  knot-dnsutils       # kdig: a second real client in the wire tests
  clang libclang-rt-14-dev  # libFuzzer target
  nsd                 # upstream authoritative server for the forwarding tests (never a service)
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq
# Daemons pulled in by packages (NSD) must not start as system services: tests start
# their own on free loopback ports.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  created_policy=1
fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
[ "$created_policy" -eq 1 ] && $sudo rm -f "$policy"
# In case NSD was installed before the policy existed: no system NSD on port 53.
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $sudo systemctl disable --now nsd >/dev/null 2>&1 || true
fi
exit 0
