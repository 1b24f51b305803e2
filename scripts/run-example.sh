#!/usr/bin/env bash
# Sets up, builds, and runs clusterdns on the example manifests (the seed story)
# on 127.0.0.1:1053 without an upstream. Ask it: dig @127.0.0.1 -p 1053 dnsservices.default.svc.cluster.local
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
exec build/bin/clusterdns --version
