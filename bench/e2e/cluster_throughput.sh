#!/usr/bin/env bash
# Issue 12 item 8: what coordination costs. The same closed-loop sign_event load against one `keycast serve` and
# against two on the same PostgreSQL database (a fresh database, dropped at the end), alternated ROUNDS times (1 2 1 2
# ...), all on this machine with one dev relay. KEYS bunker keys, one `keycast loadtest` per key (8 client keys,
# CONCURRENCY in flight, REQUESTS each after a warm-up); the rate is every driver's ok count over the longest
# driver's run. Also counts PostgreSQL writes per request during the load (pg_stat_database.xact_commit and
# tup_inserted/updated/deleted of the bench database, sampled before and after).
#
#   bench/e2e/cluster_throughput.sh [ROUNDS] [KEYS] [REQUESTS] [CONCURRENCY]
#
# Env: PGUSER (default postgres). Results: bench/e2e/out/cluster_throughput/results.jsonl.
. "$(dirname "$0")/lib.sh"
ROUNDS="${1:-2}"
KEYS="${2:-4}"
REQUESTS="${3:-3000}"
CONCURRENCY="${4:-24}"
PGUSER="${PGUSER:-postgres}"
DBNAME="kc_throughput_$$"
createdb -h 127.0.0.1 -U "$PGUSER" "$DBNAME"
trap 'e2e_cleanup; dropdb -h 127.0.0.1 -U "$PGUSER" --if-exists --force "$DBNAME" >/dev/null 2>&1 || true' EXIT
DB="jdbc:postgresql://127.0.0.1:5432/$DBNAME?user=$PGUSER"
: >"$E2E_OUT/results.jsonl"
rm -f "$E2E_OUT"/drive-*.json

e2e_build
e2e_relay "$(e2e_free_port)"
export KEYCAST_HOME="$E2E_OUT/home"
rm -rf "$KEYCAST_HOME"
kc init --db "$DB" >/dev/null
kc keys generate --name bench --db "$DB" >/dev/null
URIS=()
for ((i = 0; i < KEYS; i++)); do
  URIS+=("$("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$E2E_DIR/BenchAuthorization.java" \
      "$DB" "$KEYCAST_HOME/master.key" bench "$RELAY_URL" 0 bench)")
done

declare -A PORT PID
start() { e2e_instance_start "$1" "${SERVE_LIMITS[@]}"; }
stop() { kill "${PID[$1]}" 2>/dev/null || true; wait "${PID[$1]}" 2>/dev/null || true; }
owned() { e2e_instance_health "$1" keys_owned; }
pg_writes() { # commits and rows written in the bench database
  psql -h 127.0.0.1 -U "$PGUSER" -d "$DBNAME" -Atc "select xact_commit, tup_inserted + tup_updated + tup_deleted
    from pg_stat_database where datname = current_database()"
}

drive() { # LABEL: every driver at once; prints one JSON line
  local label="$1" i pids=() before after
  for ((i = 0; i < KEYS; i++)); do # warm-up, not recorded
    e2e_loadtest --bunker "${URIS[$i]}" --clients 8 --method sign_event --concurrency "$CONCURRENCY" \
        --requests 600 >/dev/null 2>>"$E2E_OUT/driver.log" &
    pids+=($!)
  done
  wait "${pids[@]}"
  pids=()
  sleep 1
  before=$(pg_writes)
  for ((i = 0; i < KEYS; i++)); do
    e2e_loadtest --bunker "${URIS[$i]}" --clients 8 --method sign_event --concurrency "$CONCURRENCY" \
        --requests "$REQUESTS" >"$E2E_OUT/drive-$label-$i.json" 2>>"$E2E_OUT/driver.log" &
    pids+=($!)
  done
  wait "${pids[@]}"
  sleep 2 # the audit writer's last batch
  after=$(pg_writes)
  python3 - "$label" "$before" "$after" "$E2E_OUT"/drive-"$label"-*.json <<'PY'
import json, sys
label, before, after = sys.argv[1], sys.argv[2].split("|"), sys.argv[3].split("|")
runs = [json.load(open(p)) for p in sys.argv[4:]]
ok = sum(r["ok"] for r in runs)
wall = max(r["requests"] / r["throughput_rps"] for r in runs if r["throughput_rps"])
errs = lambda e: sum(e.values()) if isinstance(e, dict) else e
out = {"label": label, "ok": ok, "errors": sum(errs(r["errors"]) for r in runs),
       "timeouts": sum(r["timeouts"] for r in runs), "wall_s": round(wall, 2),
       "p50_ms": max(r["p50_ms"] for r in runs), "p99_ms": max(r["p99_ms"] for r in runs),
       "rate_per_s": round(ok / wall, 1) if wall else None,
       "pg_commits_per_request": round((int(after[0]) - int(before[0])) / max(ok, 1), 3),
       "pg_rows_written_per_request": round((int(after[1]) - int(before[1])) / max(ok, 1), 3)}
print(json.dumps(out))
PY
}

for ((r = 1; r <= ROUNDS; r++)); do
  start a
  e2e_record "r$r/one-instance" "$(drive "r$r-one")"
  start b
  for ((i = 0; i < 100; i++)); do # until the keys are spread (or 10 s)
    [ "$(owned b)" -gt 0 ] 2>/dev/null && break
    sleep 0.1
  done
  split="{\"a\":$(owned a),\"b\":$(owned b)}"
  line=$(drive "r$r-two")
  e2e_record "r$r/two-instances" "$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["keys_owned"]=json.loads(sys.argv[2]); print(json.dumps(d))' "$line" "$split")"
  stop b
  stop a
done
e2e_log "done: $E2E_OUT/results.jsonl"
cat "$E2E_OUT/results.jsonl"
