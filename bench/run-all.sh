#!/usr/bin/env bash
# Runs every keycast-crypto benchmark in one session and prints the ratio tables of docs/BENCHMARKS.md:
#   bench/run-all.sh            (C harness, JMH on FFM/JNI/Bouncy Castle, nostr-tools; ~12 minutes)
# Raw machine-readable lines go to target/bench/all.txt. Environment: as bench/run-jmh.sh, plus
#   BENCH_SECONDS  seconds per op for the C and Node harnesses (default 3)
#   BENCH_NICE     niceness for this session's scheduling group (default 0). Linux autogroup scheduling shares the
#                  CPU between sessions first, so plain `nice` does nothing against other sessions' builds; this
#                  writes /proc/self/autogroup instead (negative values need root). The figures in
#                  docs/BENCHMARKS.md used -15 on the shared machine: the single-threaded benchmark then keeps most
#                  of one core while the other sessions keep the other.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/bench
mkdir -p "$OUT"
S="${BENCH_SECONDS:-3}"
if [ "${BENCH_NICE:-0}" != 0 ]; then
  if [ -w /proc/self/autogroup ] && echo "${BENCH_NICE}" > /proc/self/autogroup 2>/dev/null; then
    # The niceness belongs to the whole session: give it back when done.
    trap 'echo 0 > /proc/self/autogroup 2>/dev/null || true' EXIT
  else
    echo "run-all: could not set the autogroup niceness; measuring at the default share" >&2
  fi
fi
NICE=(nice -n "${BENCH_NICE:-0}")
{
  echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "# autogroup: $(cat /proc/self/autogroup 2>/dev/null || echo n/a)"
  "${NICE[@]}" bench/c/run.sh "$S"
  "${NICE[@]}" bench/run-jmh.sh
  "${NICE[@]}" bench/node/run.sh "$S"
  "${NICE[@]}" bench/c/run.sh "$S"   # C again at the end: shows how much the load moved during the session
  echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$OUT/all.log" | grep -E '^(# (date|machine|java|backend|debian|acinq|nostr-tools|load|autogroup)|c-secp256k1 |jmh |nostr-tools )' | tee "$OUT/all.txt"
python3 bench/summarize.py "$OUT/all.txt" best
