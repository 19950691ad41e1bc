#!/usr/bin/env bash
# Runs every end-to-end benchmark in sequence (about 20 minutes on 2 cores), then the plots and the summary.
#   bench/e2e/run-all.sh [SCRIPTS...]   (default: throughput overload review keys profile peer)
set -uo pipefail
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
