#!/usr/bin/env bash
# Issue 13, item 1: what 1,000 wrong-secret connects from fresh client keys cost the daemon (SQLite): audit rows
# added, change-counter bumps (each one makes every daemon's cache drop entries), and a connected client's
# sign_event latency before vs during the flood (WrongSecretFlood.java). The intake's per-client limiter is lifted
# (lib.sh SERVE_LIMITS) so that the probing client, which sends back to back, is not rate limited; it does not
# matter for the flood, whose every event comes from a new key (the per-bunker-key budget for unauthenticated
# connects stays at its default).
#
#   bench/e2e/connect_flood.sh [COUNT] [PROBES] [RATE]
#
# Results: bench/e2e/out/connect_flood/results.jsonl.
. "$(dirname "$0")/lib.sh"
COUNT="${1:-1000}"
PROBES="${2:-300}"
RATE="${3:-200}"
e2e_build
e2e_relay "$(e2e_free_port)"
e2e_home "$E2E_OUT/home"
DB="$KEYCAST_HOME/keycast.db"
e2e_serve "$(e2e_free_port)"
q() { sqlite3 "$DB" "$1"; }
v0=$(q "select version from change_counter"); a0=$(q "select count(*) from audit_log")
out=$("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$E2E_DIR/WrongSecretFlood.java" \
    "$BUNKER_URI" "$RELAY_URL" "$COUNT" "$PROBES" "$RATE")
sleep 3 # the audit log is written in batches
v1=$(q "select version from change_counter"); a1=$(q "select count(*) from audit_log")
connect_audit=$(q "select count(*) from audit_log where method = 'connect'")
errors=$(curl -fsS "$METRICS_URL" | awk '/connect/ && /error/ && !/^#/ {s += $NF} END {print s + 0}')
e2e_stop_serve
line=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d.update(version_bumps=int(sys.argv[2]), audit_rows_added=int(sys.argv[3]), connect_audit_rows=int(sys.argv[4]), connect_error_replies_metric=float(sys.argv[5])); print(json.dumps(d))' \
    "$out" "$((v1 - v0))" "$((a1 - a0))" "$connect_audit" "$errors")
e2e_record connect_flood "$line"
echo "$line"
