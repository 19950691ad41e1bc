#!/usr/bin/env bash
# Where do the isolated 100-250 ms latency stalls at an offered 1,000 sign_event/s come from? One open-loop run
# (default 30 s, after a 3 s warm-up of the driver JVM) with a GC and safepoint log in each of the three JVMs (daemon,
# dev relay, driver); records the run and, per JVM, its stop-the-world pauses (count over 10 and 50 ms, max, total;
# stw_pauses.py, any collector). The per-second p50/p99 series is in LABEL-requests.tsv.
# GC_OPTS (default empty) is given to all three JVMs, to compare pause-time settings in otherwise identical runs.
#
#   bench/e2e/stalls.sh [LABEL]          e.g. GC_OPTS=-XX:MaxGCPauseMillis=10 bench/e2e/stalls.sh pause10
#
# Env: RATE (1000), SECONDS_OPEN (30), GC_OPTS. Results: bench/e2e/out/stalls/LABEL-*.
. "$(dirname "$0")/lib.sh"
LABEL="${1:-default}"
RATE="${RATE:-1000}"
SECONDS_OPEN="${SECONDS_OPEN:-30}"
GC_OPTS="${GC_OPTS:-}"
gclog() { echo "$GC_OPTS -Xlog:gc,safepoint:file=$E2E_OUT/$LABEL-gc-$1.log:uptime,level,tags"; }

e2e_build
RELAY_JAVA_OPTS="$(gclog relay)" e2e_relay "$(e2e_free_port)"
e2e_home "$E2E_OUT/home-$LABEL"
SERVE_JAVA_OPTS="$(gclog daemon)" e2e_serve "$(e2e_free_port)"
e2e_loadtest --bunker "$BUNKER_URI" --requests 2000 --concurrency 32 --method sign_event >/dev/null
run=$(DRIVER_JAVA_OPTS="$(gclog driver)" e2e_drive --bunker "$BUNKER_URI" --clients 4 --method sign_event \
    --rate "$RATE" --seconds "$SECONDS_OPEN" --warmup-seconds 3 --label "$LABEL" --out "$E2E_OUT")
e2e_stop_serve
# Stop-the-world pauses over each JVM's whole life (start and warm-up included), from its safepoint log.
pauses=$(python3 "$E2E_DIR/stw_pauses.py" "$E2E_OUT/$LABEL-gc-daemon.log" "$E2E_OUT/$LABEL-gc-relay.log" \
    "$E2E_OUT/$LABEL-gc-driver.log")
e2e_record "$LABEL/open/sign_event/${RATE}rps" "$run"
e2e_record "$LABEL/gc" "$pauses"
e2e_log "per-second series: $E2E_OUT/$LABEL-requests.tsv"
