#!/usr/bin/env bash
# (e) Where the time goes. One closed-loop sign_event run (driver, 64 in flight) against keycast serve through the
# dev relay, with:
#   - the CPU time each process spent (daemon, relay, load generator; from /proc/PID/stat) per request;
#   - a JFR recording of the daemon for the run (jcmd JFR.start/stop, settings=profile), its samples attributed to
#     pipeline stages by jfr_stages.py (intake, verify, decrypt, handler/sign, encrypt+sign reply, publish,
#     relay I/O, JSON, GC...);
#   - keycast bench --json (the crypto speed of this machine) and the ceiling it implies for one sign_event round
#     trip on this machine's cores (daemon-side crypto only).
# Results: bench/e2e/out/profile/{results.jsonl,daemon.jfr,stages.json,bench.json}.
#
#   bench/e2e/profile.sh [REQUESTS]
. "$(dirname "$0")/lib.sh"
N="${1:-20000}"
: >"$E2E_OUT/results.jsonl"
JCMD="$JAVA_HOME/bin/jcmd"
JFR="$JAVA_HOME/bin/jfr"

e2e_build
e2e_relay "$(e2e_free_port)"
e2e_home "$E2E_OUT/home"
e2e_serve "$(e2e_free_port)"
e2e_drive --bunker "$BUNKER_URI" --clients 4 --concurrency 32 --requests 3000 --label warm >/dev/null

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

rm -f "$E2E_OUT/daemon.jfr"
"$JCMD" "$SERVE_PID" JFR.start name=e2e settings=profile filename="$E2E_OUT/daemon.jfr" >/dev/null
d0=$(cpu_ticks "$SERVE_PID")
r0=$(cpu_ticks "$RELAY_PID")
# The driver's own CPU: run it in the background so that its pid is known.
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$E2E_DIR/OfferedLoad.java" --bunker "$BUNKER_URI" \
    --clients 4 --concurrency 64 --requests "$N" --label profiled >"$E2E_OUT/profiled.json" &
drv=$!
E2E_PIDS+=($drv)
# $drv is the driver JVM itself (started directly, not through a function). Sample its ticks until it exits.
g=0
while kill -0 "$drv" 2>/dev/null; do
  t=$(cpu_ticks "$drv" 2>/dev/null || echo "$g")
  g=$t
  sleep 0.2
done
wait "$drv"
d1=$(cpu_ticks "$SERVE_PID")
r1=$(cpu_ticks "$RELAY_PID")
"$JCMD" "$SERVE_PID" JFR.stop name=e2e >/dev/null
run=$(cat "$E2E_OUT/profiled.json")
e2e_record "profiled/sign_event" "$run"
e2e_record "cpu-per-request" "$(python3 - "$run" "$HZ" "$((d1 - d0))" "$((r1 - r0))" "$g" <<'EOF'
import json, sys
run = json.loads(sys.argv[1]); hz = int(sys.argv[2])
d, r, g = (int(x) / hz for x in sys.argv[3:6])
n = run["ok"] + sum(run["errors"].values())
us = lambda s: round(s / n * 1e6, 1)
print(json.dumps({"requests": n, "daemon_cpu_s": round(d, 2), "relay_cpu_s": round(r, 2),
                  "driver_cpu_s_incl_startup": round(g, 2), "daemon_us_per_req": us(d), "relay_us_per_req": us(r),
                  "driver_us_per_req": us(g)}))
EOF
)"
e2e_stop_serve

"$JFR" summary "$E2E_OUT/daemon.jfr" >"$E2E_OUT/jfr-summary.txt"
python3 "$E2E_DIR/jfr_stages.py" "$JFR" "$E2E_OUT/daemon.jfr" >"$E2E_OUT/stages.json"
e2e_record "jfr-stages" "$(cat "$E2E_OUT/stages.json")"

"$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" bench --json --seconds 2 --backend all >"$E2E_OUT/bench.json"
e2e_record "bench-ceiling" "$(python3 - "$E2E_OUT/bench.json" "$(nproc)" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1])); cores = int(sys.argv[2])
out = {"cores": cores}
for backend, ops in b.items():
    if not isinstance(ops, dict) or "schnorr_verify" not in ops:
        continue
    # Daemon-side crypto for one sign_event round trip: verify the request event, NIP-44 decrypt it (~100 B
    # class), sign the user's event, NIP-44 encrypt the reply (~500 B, the 100 B figure is a lower bound of its
    # cost) and sign the reply event. Conversation keys are cached, so no ECDH per request.
    per = (1 / ops["event_verify"] + 1 / ops["nip44_decrypt_100"] + 2 / ops["event_sign"]
           + 1 / ops["nip44_encrypt_100"])
    out[backend] = {"crypto_us_per_sign_event": round(per * 1e6, 1),
                    "ceiling_rps_all_cores": round(cores / per)}
print(json.dumps(out))
EOF
)"
e2e_log "done: $E2E_OUT/results.jsonl"
