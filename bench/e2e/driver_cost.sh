#!/usr/bin/env bash
# The load generator's own CPU: the Nip46Client driver and the --precompute driver (OfferedLoad.java), alternated
# against one daemon and relay, open loop at RATE/s for SECONDS s. Each run records the driver's JSON line (its CPU
# in the burst window, driver_cpu_us_per_request, from inside the JVM) plus the CPU of each process over the run
# from /proc/PID/stat (utime + stime, as profile.sh does): driver (whole process: JVM start, connects, build and
# checks included), daemon and relay.
#
#   bench/e2e/driver_cost.sh
#
# Env: RATE (1000), DURATION (10, seconds), METHOD (sign_event), CLIENTS (8), ROUNDS (2: old, new, old, new, ...).
# Results: bench/e2e/out/driver_cost/results.jsonl.
. "$(dirname "$0")/lib.sh"
RATE="${RATE:-1000}"
DURATION="${DURATION:-10}"
METHOD="${METHOD:-sign_event}"
CLIENTS="${CLIENTS:-8}"
ROUNDS="${ROUNDS:-2}"
TICK=$(getconf CLK_TCK)

cpu_ms() { awk -v t="$TICK" '{printf "%d", ($14 + $15) * 1000 / t}' "/proc/$1/stat"; }

# one LABEL [driver options...]: one open-loop run; the driver's line plus the per-process CPU of the run.
one() {
  local label="$1"
  shift
  local d0 r0
  d0=$(cpu_ms "$SERVE_PID")
  r0=$(cpu_ms "$RELAY_PID")
  # The JVM itself in the background (not through e2e_drive, whose subshell would hide it from /proc).
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$E2E_DIR/OfferedLoad.java" --bunker "$BUNKER_URI" \
      --clients "$CLIENTS" --method "$METHOD" --rate "$RATE" --seconds "$DURATION" --timeout 20 --label "$label" \
      "$@" >"$E2E_OUT/$label.json" &
  local pid=$!
  E2E_PIDS+=($pid)
  # The driver's CPU from /proc, sampled until it exits (the last sample is at most 50 ms before its exit).
  local drv=0 c
  while kill -0 "$pid" 2>/dev/null; do
    c=$(cpu_ms "$pid" 2>/dev/null) && drv=$c
    sleep 0.05
  done
  wait "$pid"
  local n=$((RATE * DURATION))
  local extra
  extra=$(awk -v drv="$drv" -v d="$(($(cpu_ms "$SERVE_PID") - d0))" -v r="$(($(cpu_ms "$RELAY_PID") - r0))" -v n="$n" \
      'BEGIN {printf "{\"driver_proc_cpu_ms\":%d,\"driver_proc_cpu_us_per_request\":%.1f,\"daemon_cpu_us_per_request\":%.1f,\"relay_cpu_us_per_request\":%.1f}", drv, drv * 1000 / n, d * 1000 / n, r * 1000 / n}')
  e2e_record "$label" "$(python3 -c 'import json,sys; print(json.dumps({**json.loads(sys.argv[1]), **json.loads(sys.argv[2])}))' \
      "$(cat "$E2E_OUT/$label.json")" "$extra")"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  : >"$E2E_OUT/results.jsonl"
  e2e_build
  e2e_relay "$(e2e_free_port)"
  e2e_home "$E2E_OUT/home"
  e2e_serve "$(e2e_free_port)"
  e2e_drive --bunker "$BUNKER_URI" --clients "$CLIENTS" --concurrency 32 --requests 2000 --label warm >/dev/null
  for ((r = 1; r <= ROUNDS; r++)); do
    one "nip46client-$r"
    one "precomputed-$r" --precompute
  done
  e2e_log "done: $E2E_OUT/results.jsonl"
fi
