#!/usr/bin/env bash
# (b) Overload: measure the sustainable sign_event rate S (closed loop), then offer 4 x S for 10 s against a small
# queue (--queue-capacity, default 64) while /health is polled every 20 ms (probe_health.py, its own process)
# and /metrics sampled every 250 ms, a
# ping probe client runs at 20/s, and the GC log records the heap; then measure throughput again at once.
# Every request must get a reply (a result or "overloaded, retry later"): the driver counts timeouts.
#
#   bench/e2e/overload.sh
#
# Env: QUEUE_CAPACITY (64), FACTOR (4), BURST_SECONDS (10), RATE (skip the measurement of S and offer RATE),
# CLIENTS (8). Results: bench/e2e/out/overload/results.jsonl, per-second series *-requests.tsv, *-health.tsv,
# *-metrics.tsv, gc-*.log.
. "$(dirname "$0")/lib.sh"
QUEUE_CAPACITY="${QUEUE_CAPACITY:-64}"
FACTOR="${FACTOR:-4}"
BURST_SECONDS="${BURST_SECONDS:-10}"
CLIENTS="${CLIENTS:-8}"

# burst LABEL [JVM options for serve]: one complete scenario against a fresh daemon; prints nothing, records.
burst() {
  local label="$1"
  shift
  SERVE_JAVA_OPTS="-Xlog:gc*:file=$E2E_OUT/gc-$label.log:uptime,level,tags $*"
  e2e_serve "$(e2e_free_port)" --queue-capacity "$QUEUE_CAPACITY"
  e2e_log "$label: serve healthy in ${SERVE_START_MS} ms"
  # Warm-up, then the sustainable rate (closed loop, enough concurrency to keep the daemon busy).
  e2e_drive --bunker "$BUNKER_URI" --clients "$CLIENTS" --concurrency 32 --requests 2000 --label warm >/dev/null
  local base
  base=$(e2e_drive --bunker "$BUNKER_URI" --clients "$CLIENTS" --concurrency 64 --requests 4000 \
      --label "$label-before")
  e2e_record "$label/before" "$base"
  if [ -z "${RATE:-}" ]; then
    RATE=$(echo "$base" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["ok_rps"]))')
  fi
  local offered=$((RATE * FACTOR))
  e2e_log "$label: sustainable ~${RATE}/s, offering ${offered}/s for ${BURST_SECONDS} s (queue capacity $QUEUE_CAPACITY)"
  # The ping probe: one more client at 20/s, its own JVM, running through the burst.
  e2e_drive --bunker "$BUNKER_URI" --clients 1 --method ping --rate 20 --seconds $((BURST_SECONDS + 4)) \
      --label "$label-probe" --out "$E2E_OUT" >"$E2E_OUT/$label-probe.json" &
  local probe=$!
  E2E_PIDS+=($probe)
  # /health from its own small process, one connection per probe, every 20 ms, from 1 s before to 5 s after.
  python3 "$E2E_DIR/probe_health.py" "$HEALTH_URL" $((BURST_SECONDS + 6)) 20 "$E2E_OUT/$label-burst-health.tsv" \
      >"$E2E_OUT/$label-health.json" &
  local hp=$!
  E2E_PIDS+=($hp)
  sleep 1
  local b
  b=$(e2e_drive --bunker "$BUNKER_URI" --clients "$CLIENTS" --rate "$offered" --seconds "$BURST_SECONDS" \
      --timeout 20 --metrics "$METRICS_URL" --metrics-interval-ms 250 --label "$label-burst" --out "$E2E_OUT")
  e2e_record "$label/burst" "$b"
  wait "$probe" || true
  wait "$hp" || true
  e2e_record "$label/health" "$(cat "$E2E_OUT/$label-health.json")"
  e2e_record "$label/probe" "$(cat "$E2E_OUT/$label-probe.json")"
  local after
  after=$(e2e_drive --bunker "$BUNKER_URI" --clients "$CLIENTS" --concurrency 64 --requests 4000 \
      --label "$label-after")
  e2e_record "$label/after" "$after"
  e2e_stop_serve
  # Heap after each GC, from the GC log: the highest value is the bound during the run.
  local heap
  heap=$(grep -oE 'Pause[^)]*\) [0-9]+M->[0-9]+M\([0-9]+M\)' "$E2E_OUT/gc-$label.log" |
    sed -E 's/.* ([0-9]+)M->([0-9]+)M\(([0-9]+)M\)/\1 \2 \3/' |
    awk 'BEGIN{b=0;a=0;c=0;n=0} {if($1>b)b=$1; if($2>a)a=$2; if($3>c)c=$3; n++} END{printf "{\"gc_pauses\":%d,\"heap_max_before_gc_mb\":%d,\"heap_max_after_gc_mb\":%d,\"heap_committed_max_mb\":%d}", n, b, a, c}')
  e2e_record "$label/heap" "$heap"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  : >"$E2E_OUT/results.jsonl"
  e2e_build
  e2e_relay "$(e2e_free_port)"
  e2e_home "$E2E_OUT/home"
  burst design
  e2e_log "done: $E2E_OUT/results.jsonl"
fi
