#!/usr/bin/env bash
# Where do the isolated 100-250 ms latency stalls at an offered 1,000 sign_event/s come from? One open-loop run
# (default 30 s, after a 3 s warm-up of the driver JVM) with a GC log in each of the three JVMs (daemon, dev relay,
# driver), then every GC pause over 10 ms listed per JVM next to the run's per-second p99 series.
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
pauses=$(python3 - "$E2E_OUT" "$LABEL" <<'PY'
import json, re, sys
out, label = sys.argv[1], sys.argv[2]
res = {}
for jvm in ("daemon", "relay", "driver"):
    ps = []
    for line in open(f"{out}/{label}-gc-{jvm}.log"):
        m = re.search(r"\[gc\s*\].*Pause.* ([0-9.]+)ms$", line)
        if m:
            ps.append(float(m.group(1)))
    ps.sort()
    res[jvm] = {"gc_pauses": len(ps), "over_10ms": sum(p > 10 for p in ps), "over_50ms": sum(p > 50 for p in ps),
                "max_ms": ps[-1] if ps else 0, "total_ms": round(sum(ps), 1)}
print(json.dumps(res))
PY
)
e2e_record "$LABEL/open/sign_event/${RATE}rps" "$run"
e2e_record "$LABEL/gc" "$pauses"
e2e_log "per-second series: $E2E_OUT/$LABEL-requests.tsv"
