#!/usr/bin/env bash
# Runs every keycast-crypto benchmark in one session and prints the ratio tables of docs/BENCHMARKS.md:
#   bench/run-all.sh            (C harness, JMH on FFM/JNI/Bouncy Castle, nostr-tools; ~12 minutes)
# Raw machine-readable lines go to target/bench/all.txt. Environment: as bench/run-jmh.sh, plus
#   BENCH_SECONDS  seconds per op for the C and Node harnesses (default 3)
#   BENCH_NICE     niceness for the measuring processes (default 0; the reference figures used -10 to keep other
#                  builds on this shared machine from stealing the benchmark's core)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=target/bench
mkdir -p "$OUT"
S="${BENCH_SECONDS:-3}"
NICE=(nice -n "${BENCH_NICE:-0}")
{
  echo "# date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  "${NICE[@]}" bench/c/run.sh "$S"
  "${NICE[@]}" bench/run-jmh.sh
  "${NICE[@]}" bench/node/run.sh "$S"
  "${NICE[@]}" bench/c/run.sh "$S"   # C again at the end: shows how much the load moved during the session
  echo "# load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$OUT/all.log" | grep -E '^(# (date|machine|java|backend|debian|acinq|nostr-tools|load)|c-secp256k1 |jmh |nostr-tools )' | tee "$OUT/all.txt"
python3 bench/summarize.py "$OUT/all.txt" best
