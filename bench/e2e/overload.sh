#!/usr/bin/env bash
# (b) Overload: measure the sustainable sign_event rate S (closed loop), then offer 4 x S for 10 s against a small
# queue (--queue-capacity, default 64) while /health is polled every 20 ms (probe_health.py, its own process)
# and /metrics sampled every 250 ms, a
# ping probe client runs at 20/s, and the GC log records the heap; then measure throughput again at once.
# Every request must get a reply (a result or "overloaded, retry later"): the driver counts timeouts.
#
#   bench/e2e/overload.sh
#
# Env: QUEUE_CAPACITY (64), SERVE_ARGS (more options of keycast serve, e.g. "--refusal-rate 2000"), FACTOR (4),
# BURST_SECONDS (10), RATE (skip the measurement of S and offer RATE),
# CLIENTS (8), PRECOMPUTE (1: the burst is driven by OfferedLoad --precompute, which signs and encrypts every request
# before the clock and checks the replies after it, so that the load generator's own CPU, ~5x less during the burst,
# does not decide the outcome; 0: the Nip46Client driver, as before; the closed-loop S measurements and the ping
# probe always use the Nip46Client driver; with PRECOMPUTE=1 the lean driver's closed loop is measured too, and
# S_FROM=lean takes S from it instead: a factor of the rate the daemon and relay sustain with a client that costs
# little, rather than with a real client library). Results: bench/e2e/out/overload/results.jsonl (per run: before, burst,
# daemon = the change of the daemon's accepted/rejected counters over the burst, health, probe, after, heap),
# per-second series *-requests.tsv, *-health.tsv, *-metrics.tsv, gc-*.log.
. "$(dirname "$0")/lib.sh"
QUEUE_CAPACITY="${QUEUE_CAPACITY:-64}"
FACTOR="${FACTOR:-4}"
BURST_SECONDS="${BURST_SECONDS:-10}"
CLIENTS="${CLIENTS:-8}"
PRECOMPUTE="${PRECOMPUTE:-1}"
S_FROM="${S_FROM:-client}"

# The daemon's request counters as one JSON object (keycast_bunker_accepted_total, ..._rejected_total{reason}).
daemon_counters() {
  curl -fsS "$METRICS_URL" | python3 -c '
import json, re, sys
c = {}
for line in sys.stdin:
    m = re.match(r"keycast_bunker_(accepted|rejected)_total(?:\{.*reason=\"([^\"]+)\".*\})? ([0-9.eE+]+)$", line.strip())
    if m:
        c[m.group(1) + ("/" + m.group(2) if m.group(2) else "")] = int(float(m.group(3)))
print(json.dumps(c))'
}

# burst LABEL [JVM options for serve]: one complete scenario against a fresh daemon; prints nothing, records.
burst() {
  local label="$1"
  shift
  SERVE_JAVA_OPTS="-Xlog:gc*:file=$E2E_OUT/gc-$label.log:uptime,level,tags $*"
  # shellcheck disable=SC2086 # SERVE_ARGS: more serve options, split on spaces
  e2e_serve "$(e2e_free_port)" --queue-capacity "$QUEUE_CAPACITY" ${SERVE_ARGS:-}
  e2e_log "$label: serve healthy in ${SERVE_START_MS} ms"
  # Warm-up, then the sustainable rate (closed loop, enough concurrency to keep the daemon busy).
  e2e_drive --bunker "$BUNKER_URI" --clients "$CLIENTS" --concurrency 32 --requests 2000 --label warm >/dev/null
  local base
  base=$(e2e_drive --bunker "$BUNKER_URI" --clients "$CLIENTS" --concurrency 64 --requests 4000 \
      --label "$label-before")
  e2e_record "$label/before" "$base"
  if [ "$PRECOMPUTE" = 1 ]; then
    # The same closed loop with the lean driver: what the daemon and relay sustain when the client costs little.
    local lean
    lean=$(e2e_drive --bunker "$BUNKER_URI" --clients "$CLIENTS" --concurrency 64 --requests 20000 --precompute \
        --label "$label-before-lean")
    e2e_record "$label/before-lean" "$lean"
    [ "$S_FROM" = lean ] && base="$lean"
  fi
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
  local b c0
  local lean=()
  [ "$PRECOMPUTE" = 1 ] && lean=(--precompute)
  c0=$(daemon_counters)
  local cpu0 t0 sampler
  cpu0="$(e2e_cpu_ticks "$SERVE_PID") $(e2e_cpu_ticks "$RELAY_PID")"
  t0=$(date +%s%N)
  # The CPU of the daemon and the relay every 0.5 s through the burst (and its drain), for the peak 10 s window.
  (while kill -0 "$SERVE_PID" 2>/dev/null; do
     echo "$(date +%s%N) $(e2e_cpu_ticks "$SERVE_PID") $(e2e_cpu_ticks "$RELAY_PID")"
     sleep 0.5
   done) >"$E2E_OUT/$label-cpu.tsv" 2>/dev/null &
  sampler=$!
  E2E_PIDS+=($sampler)
  b=$(e2e_drive --bunker "$BUNKER_URI" --clients "$CLIENTS" --rate "$offered" --seconds "$BURST_SECONDS" \
      --timeout 20 --metrics "$METRICS_URL" --metrics-interval-ms 250 --label "$label-burst" --out "$E2E_OUT" \
      "${lean[@]}")
  e2e_record "$label/burst" "$b"
  # Where the CPU went from the start of the burst until the driver stopped waiting for replies: the daemon, the
  # relay and the driver (its own figure) against the two cores' capacity over that wall time.
  kill "$sampler" 2>/dev/null || true
  e2e_record "$label/cpu" "$(python3 - "$cpu0" "$(e2e_cpu_ticks "$SERVE_PID") $(e2e_cpu_ticks "$RELAY_PID")" \
      "$(( ($(date +%s%N) - t0) / 1000000 ))" "$(getconf CLK_TCK)" "$(nproc)" "$b" "$E2E_OUT/$label-cpu.tsv" <<'PY'
import json, sys
d0, r0 = map(int, sys.argv[1].split()); d1, r1 = map(int, sys.argv[2].split())
wall = int(sys.argv[3]) / 1000; hz = int(sys.argv[4]); cores = int(sys.argv[5]); run = json.loads(sys.argv[6])
daemon, relay = (d1 - d0) / hz, (r1 - r0) / hz
# The busiest 10 s of the samples: how much of the two cores the daemon and the relay took there.
rows = [tuple(map(int, l.split())) for l in open(sys.argv[7]) if len(l.split()) == 3]
peak = {"daemon_share": 0, "relay_share": 0}
for i, a in enumerate(rows):
    for b in rows[i + 1:]:
        if b[0] - a[0] >= 10e9:
            secs = (b[0] - a[0]) / 1e9
            dd, rr = (b[1] - a[1]) / hz / secs / cores, (b[2] - a[2]) / hz / secs / cores
            if dd + rr > peak["daemon_share"] + peak["relay_share"]:
                peak = {"daemon_share": round(dd, 2), "relay_share": round(rr, 2), "at_s": round((a[0] - rows[0][0]) / 1e9, 1)}
            break
print(json.dumps({"wall_s": round(wall, 1), "daemon_cpu_s": round(daemon, 1), "relay_cpu_s": round(relay, 1),
                  "driver_burst_cpu_s": round(run.get("driver_cpu_ms", 0) / 1000, 1),
                  "peak_10s_share_of_cores": peak}))
PY
)"
  # What the daemon itself did over the burst (the ping probe's ~20/s included), by its own counters.
  e2e_record "$label/daemon" "$(python3 -c 'import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({k: v - a.get(k, 0) for k, v in sorted(b.items())}))' "$c0" "$(daemon_counters)")"
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
