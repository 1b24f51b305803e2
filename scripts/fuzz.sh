#!/usr/bin/env bash
# Builds the libFuzzer wire target with clang++ in build-fuzz and runs it for a bounded
# time. usage: scripts/fuzz.sh [SECONDS]   (default 60)
# Prints the executions and crashes; exits non-zero when a crash was found (the
# reproducer is left in build-fuzz/artifacts/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
dir=build-fuzz

cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCLUSTERDNS_FUZZ=ON -DCLUSTERDNS_TESTS=OFF >/dev/null
cmake --build "$dir" --target wire_fuzz

# libFuzzer adds what it finds to the first corpus directory: keep the checked-in seeds
# read-only by giving it a working copy first.
work="$dir/corpus/wire"
mkdir -p "$work" "$dir/artifacts"
rm -f "$dir"/artifacts/crash-* "$dir"/artifacts/leak-* "$dir"/artifacts/timeout-* \
  "$dir"/artifacts/oom-*
log="$dir/wire_fuzz.log"
status=0
"$dir/bin/wire_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
  "$work" tests/fuzz/corpus/wire >"$log" 2>&1 || status=$?

executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
crashes=$(find "$dir/artifacts" -maxdepth 1 -type f \
  \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
echo "fuzz: wire_fuzz ran ${seconds}s: ${executions:-?} executions, ${crashes} crashes" \
  "(log: $log)"
if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
  tail -40 "$log" >&2
  exit 1
fi
