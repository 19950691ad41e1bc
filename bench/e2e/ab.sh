#!/usr/bin/env bash
# A/B of two builds of keycast (same run, alternated): bench/e2e/ab.sh A_ROOT B_ROOT [ROUNDS]
# Each ROOT is a checkout with keycast-cli/target/keycast.jar built; each side runs its own bench/e2e scripts (so the
# driver compiles against its own jar). Per round and side: the closed-loop sign_event rate (64 in flight, 4 clients),
# the open loop at 1,000/s and 2,000/s for 10 s (p99), and the 4 x overload burst at a FIXED offered rate (RATE,
# default 5,000/s, the same for both sides) with queue capacity 64. Then prints one table of medians and the B/A ratio.
# Results: bench/e2e/out/ab/<side>-<round>/... ; summary: bench/e2e/out/ab/summary.txt.
set -euo pipefail
A="$(cd "$1" && pwd)"; B="$(cd "$2" && pwd)"; ROUNDS="${3:-2}"
RATE="${RATE:-5000}"
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="${AB_OUT:-$HERE/out/ab}"
rm -rf "$OUT"; mkdir -p "$OUT"
for r in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    root=$A; [ "$side" = B ] && root=$B
    printf '%s round %s side %s (%s)\n' "$(date -u +%H:%M:%S)" "$r" "$side" "$root" >&2
    E2E_OUT="$OUT/$side-$r/throughput" KEYCAST_JAR="$root/keycast-cli/target/keycast.jar" \
      "$root/bench/e2e/throughput.sh" 4000 64 2>>"$OUT/log.txt"
    E2E_OUT="$OUT/$side-$r/overload" KEYCAST_JAR="$root/keycast-cli/target/keycast.jar" RATE=$((RATE / 4)) \
      "$root/bench/e2e/overload.sh" 2>>"$OUT/log.txt"
  done
done
python3 - "$OUT" "$ROUNDS" <<'PY' | tee "$OUT/summary.txt"
import json, os, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def rows(side, r, kind):
    p = os.path.join(out, f"{side}-{r}", kind, "results.jsonl")
    return {d["name"]: d for d in map(json.loads, open(p))} if os.path.exists(p) else {}
metrics = [
  ("loadtest sign_event c64 req/s", "throughput", "loadtest/sign_event/c64", "throughput_rps"),
  ("loadtest nip44_encrypt c64 req/s", "throughput", "loadtest/nip44_encrypt/c64", "throughput_rps"),
  ("lean closed loop sign_event ok/s", "overload", "design/before-lean", "ok_rps"),
  ("open 1000/s sign_event p99 ms", "throughput", "open/sign_event/1000rps", "p99_ms"),
  ("open 2000/s sign_event ok", "throughput", "open/sign_event/2000rps", "ok"),
  ("open 2000/s sign_event p99 ms", "throughput", "open/sign_event/2000rps", "p99_ms"),
  ("overload burst ok", "overload", "design/burst", "ok"),
  ("overload burst timeouts", "overload", "design/burst", "timeouts"),
  ("overload overflow_dropped (counted)", "overload", "design/daemon", "rejected/overflow_dropped"),
  ("overload /health p99 ms", "overload", "design/health", "health_p99_ms"),
  ("after burst ok/s", "overload", "design/after", "ok_rps"),
]
print(f"{'figure':34} {'A (median)':>12} {'B (median)':>12} {'B/A':>6}   runs A | runs B")
for label, kind, name, key in metrics:
    vals = {}
    for side in "AB":
        vals[side] = [rows(side, r, kind).get(name, {}).get(key) for r in range(1, rounds + 1)]
        vals[side] = [v for v in vals[side] if isinstance(v, (int, float))]
    med = {s: (statistics.median(v) if v else float("nan")) for s, v in vals.items()}
    ratio = med["B"] / med["A"] if med["A"] else float("nan")
    print(f"{label:34} {med['A']:12.1f} {med['B']:12.1f} {ratio:6.2f}   {vals['A']} | {vals['B']}")
PY
