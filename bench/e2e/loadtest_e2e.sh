#!/usr/bin/env bash
# Issue 15, target 3: `keycast loadtest` against `keycast serve` through `keycast relay`, all three on this machine.
# For each tools jar given (default: this checkout's), in turn and ROUNDS times (A B A B ... for an A/B), the relay
# and the load generator come from that jar and the daemon from DAEMON_JAR (default this checkout's):
#   - a fresh dev relay (`keycast relay`), KEYCAST_HOME and `keycast serve`, one authorization under the built-in
#     policy POLICY (default full) with unlimited connect-secret uses;
#   - a warm-up: `keycast loadtest` with WARM_REQUESTS (default 6000) requests;
#   - the measured run: `keycast loadtest --json --clients CLIENTS (250) --concurrency CONCURRENCY (128)
#     --requests REQUESTS (20000)` plus LOADTEST_OPTS, fresh client keys; the CPU of the loadtest process (its whole
#     life: JVM start, connects, building and checking included; bash `time`), of the relay and of the daemon (from
#     /proc/PID/stat over the loadtest's life), each per request.
# Results: bench/e2e/out/loadtest_e2e/results.jsonl, one line per run with the 1-minute load average.
#
#   bench/e2e/loadtest_e2e.sh                            # this checkout
#   ROUNDS=2 bench/e2e/loadtest_e2e.sh OLD.jar NEW.jar    # same-run A/B of the relay and loadtest of two builds
#   bench/e2e/loadtest_e2e.sh NEW.jar,OLD.jar              # LOADTEST_JAR,RELAY_JAR: the loadtest of one, the relay of another
. "$(dirname "$0")/lib.sh"
CLIENTS="${CLIENTS:-250}"
CONCURRENCY="${CONCURRENCY:-128}"
REQUESTS="${REQUESTS:-20000}"
WARM_REQUESTS="${WARM_REQUESTS:-6000}"
ROUNDS="${ROUNDS:-1}"
export POLICY="${POLICY:-full}"
TICK=$(getconf CLK_TCK)
e2e_build
DAEMON_JAR="${DAEMON_JAR:-$JAR}"
JARS=("$@")
[ ${#JARS[@]} -gt 0 ] || JARS=("$JAR")

one() { # LOADTEST_JAR[,RELAY_JAR] LABEL
  local tools="${1%%,*}" relay="${1#*,}" label="$2" d0 r0 d1 r1 cpu run
  JAR="$relay" e2e_relay "$(e2e_free_port)"
  JAR="$DAEMON_JAR" e2e_home "$E2E_OUT/home"
  JAR="$DAEMON_JAR" e2e_serve "$(e2e_free_port)"
  "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$tools" loadtest --json --bunker "$BUNKER_URI" \
      --clients "$CLIENTS" --concurrency "$CONCURRENCY" --requests "$WARM_REQUESTS" \
      >/dev/null 2>>"$E2E_OUT/loadtest.log"
  d0=$(e2e_cpu_ticks "$SERVE_PID")
  r0=$(e2e_cpu_ticks "$RELAY_PID")
  # shellcheck disable=SC2086
  cpu=$( { TIMEFORMAT='%U %S'; time "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$tools" loadtest --json \
      --bunker "$BUNKER_URI" --clients "$CLIENTS" --concurrency "$CONCURRENCY" --requests "$REQUESTS" \
      ${LOADTEST_OPTS:-} >"$E2E_OUT/$label.json" 2>>"$E2E_OUT/loadtest.log"; } 2>&1 | tail -1)
  d1=$(e2e_cpu_ticks "$SERVE_PID")
  r1=$(e2e_cpu_ticks "$RELAY_PID")
  e2e_stop_serve
  kill "$RELAY_PID" 2>/dev/null || true
  wait "$RELAY_PID" 2>/dev/null || true
  e2e_record "loadtest-e2e/$label" "$(python3 - "$E2E_OUT/$label.json" "$cpu" "$1" "$REQUESTS" \
      "$((d1 - d0))" "$((r1 - r0))" "$TICK" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
user, system = (float(x) for x in sys.argv[2].split())
n, tick = int(sys.argv[4]), int(sys.argv[7])
per = lambda ticks: round(ticks * 1e6 / tick / n, 1)
print(json.dumps({"jar": sys.argv[3], "requests": run["requests"], "ok": run["ok"],
                  "errors": sum(run["errors"].values()), "timeouts": run["timeouts"],
                  "wrong": run.get("wrong_results", 0) + run.get("wrong_replies", 0),
                  "throughput_rps": run["throughput_rps"], "p50_ms": run["p50_ms"], "p99_ms": run["p99_ms"],
                  "loadtest_process_us_per_req": round((user + system) * 1e6 / n, 1),
                  "loadtest_run_us_per_req": run.get("driver_cpu_us_per_request"),
                  "relay_us_per_req": per(int(sys.argv[6])), "daemon_us_per_req": per(int(sys.argv[5]))}))
PY
)"
}

LETTERS=(A B C D E F)
for ((r = 1; r <= ROUNDS; r++)); do
  i=0
  for j in "${JARS[@]}"; do
    one "$j" "r$r-${LETTERS[$i]}"
    i=$((i + 1))
  done
done
e2e_log "done: $E2E_OUT/results.jsonl"
