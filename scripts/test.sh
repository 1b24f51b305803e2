#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite twice: a normal (Release) build and
# an AddressSanitizer + UndefinedBehaviorSanitizer build, with a bounded fuzz run of the
# wire parser in between (CLUSTERDNS_FUZZ_SECONDS, default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)

echo "== Release build and tests" >&2
bash scripts/build.sh build
ctest --test-dir build --output-on-failure -j "$jobs" --timeout 300

echo "== Fuzzing the wire parser (libFuzzer, bounded)" >&2
bash scripts/fuzz.sh "${CLUSTERDNS_FUZZ_SECONDS:-30}"

echo "== Sanitized build (ASan + UBSan) and tests" >&2
bash scripts/build.sh build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCLUSTERDNS_SANITIZE=ON
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-sanitize --output-on-failure -j "$jobs" --timeout 600
