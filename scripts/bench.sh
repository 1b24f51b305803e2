#!/usr/bin/env bash
# The clusterdns benchmarks, in one command from a clone (docs/BENCHMARKS.md).
#
#   scripts/bench.sh [bench.py args]              clusterdns vs NSD vs Knot (UDP and TCP)
#   scripts/bench.sh --propagation [args]         change-to-answer time and reloads under load
#   scripts/bench.sh --gen [gen_cluster.py args]  only write a data set
#   scripts/bench.sh --self-test                  quick check of the harness itself
#
# Installs what is missing (nsd knot dnsperf python3-dnspython, daemons kept from
# starting as services), builds clusterdns in Release into build-release/, then runs
# tools/bench/bench.py or tools/bench/propagation.py with Debian's /usr/bin/python3.
# Everything runs on 127.0.0.1 with free ports; every daemon is stopped at exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python=/usr/bin/python3

install_missing() {
  local packages=(nsd knot dnsperf dnsutils python3-dnspython)
  local missing=() package
  for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "bench: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  # NSD and Knot must not start as system services (port 53): the benchmark starts
  # its own on free loopback ports. policy-rc.d exit 101 forbids service starts.
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod +x "$policy"
    created=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" || { [ "$created" -eq 1 ] && $sudo rm -f "$policy"; return 1; }
  [ "$created" -eq 1 ] && $sudo rm -f "$policy"
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $sudo systemctl disable --now nsd knot >/dev/null 2>&1 || true
  fi
}

build() {
  "$root/scripts/setup.sh"
  local log
  log="$(mktemp)"
  if [ ! -f "$root/build-release/build.ninja" ]; then
    cmake -S "$root" -B "$root/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCLUSTERDNS_TESTS=OFF >"$log" 2>&1 || { tail -n 30 "$log"; rm -f "$log"; exit 1; }
  fi
  echo "bench: building build-release/bin/clusterdns (Release)" >&2
  # Two jobs at most: the machine is shared with the benchmark itself.
  ninja -C "$root/build-release" -j2 clusterdns >"$log" 2>&1 ||
    { tail -n 30 "$log"; rm -f "$log"; exit 1; }
  rm -f "$log"
}

mode=bench
case "${1:-}" in
  --propagation) mode=propagation; shift ;;
  --gen) mode=gen; shift ;;
  --self-test) mode=selftest; shift ;;
  -h|--help)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    echo
    exec "$python" "$root/tools/bench/bench.py" --help ;;
esac

install_missing
case "$mode" in
  gen) exec "$python" "$root/tools/bench/gen_cluster.py" "$@" ;;
  propagation) build; exec "$python" "$root/tools/bench/propagation.py" "$@" ;;
  selftest) build; exec "$python" "$root/tools/bench/selftest.py" "$@" ;;
  bench) build; exec "$python" "$root/tools/bench/bench.py" "$@" ;;
esac
