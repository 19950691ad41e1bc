#!/usr/bin/env bash
# Runs every end-to-end benchmark in sequence (about 20 minutes on 2 cores), then the plots and the summary.
#   bench/e2e/run-all.sh [SCRIPTS...]   (default: throughput overload review keys profile peer)
# E2E_NICE: niceness of this session's scheduling group (as BENCH_NICE in bench/run-all.sh): Linux autogroup
# scheduling shares the CPU between sessions first, so on a machine shared with other sessions the daemon, relay
# and load generator together get one session's share unless this is negative (needs root). Default 0.
set -uo pipefail
if [ "${E2E_NICE:-0}" != 0 ]; then
  if [ -w /proc/self/autogroup ] && echo "${E2E_NICE}" > /proc/self/autogroup 2>/dev/null; then
    trap 'echo 0 > /proc/self/autogroup 2>/dev/null || true' EXIT
  else
    echo "run-all: could not set the autogroup niceness; measuring at the default share" >&2
  fi
fi
echo "autogroup: $(cat /proc/self/autogroup 2>/dev/null || echo n/a)" >&2
DIR="$(cd "$(dirname "$0")" && pwd)"
OUT="${E2E_OUT_ROOT:-$DIR/out}"
mkdir -p "$OUT"
for s in "${@:-throughput overload review keys profile peer}"; do
  for t in $s; do
    echo "=== $t $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    E2E_OUT="$OUT/$t" bash "$DIR/$t.sh" >"$OUT/$t.log" 2>&1 || echo "$t failed (see $OUT/$t.log)" >&2
  done
done
if /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
  /usr/bin/python3 "$DIR/plot.py" "$OUT" >&2
fi
python3 "$DIR/summarize.py" "$OUT" >"$OUT/summary.md"
echo "summary: $OUT/summary.md" >&2
