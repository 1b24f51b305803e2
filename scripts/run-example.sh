#!/usr/bin/env bash
# Sets up, builds, and runs clusterdns on the example manifests (the seed story)
# on 127.0.0.1:1053 without an upstream. Ask it, from another terminal:
#   dig @127.0.0.1 -p 1053 dnsservices.default.svc.cluster.local
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build --target clusterdns
exec build/bin/clusterdns serve --manifests examples --listen 127.0.0.1:1053 --upstream none
