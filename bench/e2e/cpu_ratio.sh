#!/usr/bin/env bash
# Issue 15, target 1: the daemon's process CPU per sign_event against the crypto one round trip needs.
# For each daemon jar given (default: this checkout's), in turn and ROUNDS times (A B A B ... for an A/B):
#   - a fresh dev relay, KEYCAST_HOME and `keycast serve`, one authorization under the built-in policy POLICY
#     (default full) shared by CLIENTS client keys (default 150);
#   - a warm-up: OfferedLoad --precompute, open loop, RATE/s (default 1000) for WARM_SECONDS (default 70: past the
#     authorization cache's 60-s TTL, whose first expiry sends requests down the store path once, deoptimizing
#     and recompiling the request path: ~1 s of C2 that belongs to the warm-up), one read of /metrics (its first
#     scrape recompiles the request path too), then
#     again with fresh client keys for WARM2_SECONDS (default 6; 0: none), as the measured run starts;
#   - the measured run: the same for SECONDS (default 12; RATE × SECONDS ≥ 10,000 requests), fresh client keys
#     whose first requests (their authorization read from the store, the connects' code paths) come in a closed
#     loop of DRIVE_WARM_SECONDS (default 5) before the measured window,
#     the daemon's and the relay's CPU from /proc/PID/stat over the load and the wait for its replies
#     (OfferedLoad --watch-pid), per request; JIT and GC included;
#   - the daemon's heap allocation per request over the same window, from its /metrics counter
#     keycast_jvm_allocated_bytes_total read by the driver (exact; absent from jars before it, then null);
#   - the daemon's CPU per request by thread group over the same window (/proc/PID/task: no profiler, native code
#     and kernel time included; virtual threads show as their carriers, ForkJoinPool-N-worker-N);
#   - `keycast bench --json --backend native` of this checkout (its round_trip figure: the daemon's five crypto
#     operations of one sign_event round trip) right after, and the ratio daemon CPU / round-trip crypto.
# The relay, the driver and the bench always come from this checkout's jar; only the daemon's jar varies.
# The daemon "floor" (`cpu_ratio.sh floor J.jar`) is FloorBunker.java instead of keycast serve: the same five crypto
# operations per request on the same relay transport with nothing else (no store, policy, audit, queue or hand-off),
# the least a Java signer on this transport spends; its allocation is not measured (null). With it, the run ends
# with each other daemon's CPU per request divided by the floor's of the same round (cpu-ratio/vs-floor).
# A daemon given as JAR::OPTIONS runs that jar with those extra JVM options (after DAEMON_JAVA_OPTS): the same jar
# A/B with and without an option, e.g. `ROUNDS=3 cpu_ratio.sh J "J::-Dkeycast.taskView=off"` (issue 14's task view).
# DAEMON_JAVA_OPTS: JVM options of the daemon. JFR=1: a JFR recording of the daemon over the measured run only
# (settings=profile plus jdk.CPUTimeSample every 1 ms of thread CPU, plus JFR_SETTINGS, e.g.
# "jdk.Compilation#threshold=0ms" to list every compilation), out/cpu_ratio/LABEL.jfr, and jfr_costs.py's
# table of where a request's CPU and bytes go, out/cpu_ratio/LABEL.costs.json.
# Results: bench/e2e/out/cpu_ratio/results.jsonl.
#
#   bench/e2e/cpu_ratio.sh [DAEMON_JAR...]
. "$(dirname "$0")/lib.sh"
CLIENTS="${CLIENTS:-150}"
RATE="${RATE:-1000}"
WARM_SECONDS="${WARM_SECONDS:-70}"
WARM2_SECONDS="${WARM2_SECONDS:-6}"
DRIVE_WARM_SECONDS="${DRIVE_WARM_SECONDS:-5}"
MEASURE_SECONDS="${SECONDS_MEASURED:-12}"
ROUNDS="${ROUNDS:-1}"
export POLICY="${POLICY:-full}"
e2e_build
DRIVER_JAR="$JAR"
JARS=("$@")
[ ${#JARS[@]} -gt 0 ] || JARS=("$DRIVER_JAR")

# floor_start [JVM options]: FloorBunker.java (this checkout's jar) on $RELAY_URL as the "daemon"; sets SERVE_PID and
# BUNKER_URI.
floor_start() {
  local uri="$E2E_OUT/floor.uri" i
  rm -f "$uri"
  # shellcheck disable=SC2086
  "$JAVA" --enable-native-access=ALL-UNNAMED ${DAEMON_JAVA_OPTS:-} $1 -cp "$DRIVER_JAR" "$E2E_DIR/FloorBunker.java" \
      "$RELAY_URL" >"$uri" 2>>"$E2E_OUT/floor.log" &
  SERVE_PID=$!
  E2E_PIDS+=($SERVE_PID)
  for ((i = 0; i < 300; i++)); do
    [ -s "$uri" ] && break
    sleep 0.1
  done
  BUNKER_URI=$(head -1 "$uri")
  [ -n "$BUNKER_URI" ] || { echo "FloorBunker did not start:" >&2; tail -20 "$E2E_OUT/floor.log" >&2; exit 1; }
  sleep 1 # its subscription reaches the relay
}

one() { # JAR[::OPTIONS] LABEL
  local daemon_jar="${1%%::*}" extra="" label="$2" run bench
  [[ "$1" == *::* ]] && extra="${1#*::}"
  e2e_relay "$(e2e_free_port)"
  local allocated=()
  if [ "$daemon_jar" = floor ]; then
    floor_start "$extra"
  else
    e2e_home "$E2E_OUT/home"
    JAR="$daemon_jar" SERVE_JAVA_OPTS="${DAEMON_JAVA_OPTS:-} $extra" e2e_serve "$(e2e_free_port)"
    allocated=(--allocated "$METRICS_URL")
  fi
  e2e_drive --bunker "$BUNKER_URI" --precompute --clients "$CLIENTS" --rate "$RATE" --seconds "$WARM_SECONDS" \
      --label warm >/dev/null 2>>"$E2E_OUT/driver.log"
  # The measured run reads /metrics (the driver's --allocated); Prometheus also scrapes a daemon in production. Its
  # first scrape loads classes (java.nio.StringCharBuffer among them) whose loading invalidates what C2 compiled
  # for the request path (a CharBuffer with one subclass) and recompiles it, ~0.5 s of compiler CPU: in the warm-up.
  [ "$daemon_jar" = floor ] || curl -fsS -o /dev/null "$METRICS_URL"
  # A second warm-up with fresh client keys, as the measured run has: their connects after a long run of sign_event
  # alone deoptimize and recompile the request path (C2 ~1 s of CPU), which belongs to the warm-up, not the figure.
  if [ "$WARM2_SECONDS" -gt 0 ]; then
    e2e_drive --bunker "$BUNKER_URI" --precompute --clients "$CLIENTS" --rate "$RATE" --seconds "$WARM2_SECONDS" \
        --label warm2 >/dev/null 2>>"$E2E_OUT/driver.log"
  fi
  if [ -n "${JFR:-}" ]; then
    "$JAVA_HOME/bin/jcmd" "$SERVE_PID" JFR.start name=cr settings=profile "jdk.CPUTimeSample#enabled=true" \
        "jdk.CPUTimeSample#throttle=1ms" ${JFR_SETTINGS:-} filename="$E2E_OUT/$label.jfr" >/dev/null
  fi
  run=$(e2e_drive --bunker "$BUNKER_URI" --precompute --clients "$CLIENTS" --rate "$RATE" \
      --warmup-seconds "$DRIVE_WARM_SECONDS" --seconds "$MEASURE_SECONDS" "${allocated[@]}" \
      --label "$label" --watch-pid "daemon=$SERVE_PID" --watch-pid "relay=$RELAY_PID" \
      --marks "$E2E_OUT/$label.marks" 2>>"$E2E_OUT/driver.log")
  if [ -n "${JFR:-}" ]; then
    "$JAVA_HOME/bin/jcmd" "$SERVE_PID" JFR.stop name=cr >/dev/null
  fi
  e2e_stop_serve
  kill "$RELAY_PID" 2>/dev/null || true
  wait "$RELAY_PID" 2>/dev/null || true
  bench=$("$JAVA" --enable-native-access=ALL-UNNAMED -jar "$DRIVER_JAR" bench --json --backend native --seconds 2 \
      2>/dev/null)
  e2e_record "cpu-ratio/$label" "$(python3 - "$run" "$bench" "$1" <<'PY'
import json, sys
run, bench = json.loads(sys.argv[1]), json.loads(sys.argv[2])["native"]
threads = run.get("watched_threads_cpu_us_per_request", {}).get("daemon")
alloc = run.get("allocated_bytes_per_request")  # absent for a daemon without the meter
rt_us = 1e6 / bench["round_trip"]
d = run["watched_cpu_us_per_request"]["daemon"]
errors = sum(run["errors"].values()) if isinstance(run.get("errors"), dict) else run.get("errors")
print(json.dumps({"jar": sys.argv[3], "requests": run["requests"] if "requests" in run else None, "ok": run["ok"],
                  "errors": errors, "timeouts": run.get("timeouts"), "p50_ms": run.get("p50_ms"),
                  "p99_ms": run.get("p99_ms"), "daemon_us_per_req": d,
                  "relay_us_per_req": run["watched_cpu_us_per_request"]["relay"],
                  "driver_us_per_req": run.get("driver_cpu_us_per_request"),
                  "round_trip_us": round(rt_us, 1), "ratio": round(d / rt_us, 2),
                  "allocated_bytes_per_req": alloc, "daemon_threads_us_per_req": threads}))
PY
)"
  tail -1 "$E2E_OUT/results.jsonl" >&2
  if [ -n "${JFR:-}" ]; then
    python3 "$E2E_DIR/jfr_costs.py" "$JAVA_HOME/bin/jfr" "$E2E_OUT/$label.jfr" "$E2E_OUT/$label.marks" "$(python3 -c \
        'import json,sys; r=json.loads(sys.argv[1]); print(r["requests"])' "$run")" "$(python3 -c \
        'import json,sys; r=json.loads(sys.argv[1]); print(r["watched_cpu_us_per_request"]["daemon"])' "$run")" \
        >"$E2E_OUT/$label.costs.json"
  fi
}

LETTERS=(A B C D E F)
FIRST_LINE=$(($(cat "$E2E_OUT/results.jsonl" 2>/dev/null | wc -l) + 1))
for ((r = 1; r <= ROUNDS; r++)); do
  i=0
  for j in "${JARS[@]}"; do
    one "$j" "r$r-${LETTERS[$i]}"
    i=$((i + 1))
  done
done
# With the floor among the daemons: each daemon's CPU per request against the floor's of the same round (the
# two share the host's state; round_trip, measured apart, moves more between runs than either).
if [[ " ${JARS[*]} " == *" floor "* ]]; then
  vs_floor=$(tail -n +"$FIRST_LINE" "$E2E_OUT/results.jsonl" | python3 -c '
import json, re, sys
rounds = {}
for line in sys.stdin:
    r = json.loads(line)
    m = re.match(r"cpu-ratio/r(\d+)-", r["name"])
    if m:
        rounds.setdefault(m.group(1), []).append(r)
out = {}
for n, runs in sorted(rounds.items()):
    floor = [r for r in runs if r["jar"] == "floor"]
    for r in runs:
        if floor and r["jar"] != "floor":
            out.setdefault(r["jar"], []).append(round(r["daemon_us_per_req"] / floor[0]["daemon_us_per_req"], 2))
print(json.dumps({"daemon_over_floor_per_round": out}))')
  e2e_record "cpu-ratio/vs-floor" "$vs_floor"
fi
e2e_log "done: $E2E_OUT/results.jsonl"
