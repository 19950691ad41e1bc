#!/usr/bin/env bash
# (d) Scale of keys: N authorizations (default 100,000, each with its own encrypted bunker key) seeded through the
# store API in SQLite and in PostgreSQL (database keycast_bench on 127.0.0.1:5432, dropped and re-created), then
# for each database:
#   - daemon start time (process start to /health 200; a restart: with the class-data archive a first start of
#     the jar wrote, as ./keycast does; E2E_CDS=0 without) and heap after start (jcmd GC.heap_info after a full GC);
#   - how long the key warmer takes (serve's log line "... ahead of their first request in N ms") and the heap
#     after it; the probes below start once it finished;
#   - the first sign_event to a COLD key (never requested since the daemon started) vs the following ones (warm):
#     one key at a time (5 keys), then K keys at once (ColdKeys.java, 4 rounds; clients seeded as connected so no
#     connect round trip; each driver JVM first warms itself up on 10 other keys, so that its own first-request
#     costs do not count as the daemon's);
#   - the same probes AGAIN from fresh driver JVMs on the same keys ("single-key-again" right after each lone
#     probe, "cold-warm-again" after the single-flight round): the
#     daemon has served those keys, the client is as new as before. Cold minus again is what the daemon's first
#     request costs; again minus warm is the client's own first request (new WebSocket subscription, the
#     client's conversation key, its JIT). Each round also carries daemon_ms_per_request: the daemon's own mean
#     time per request (intake to published reply, from its /metrics), free of the client's and relay's time.
#   - single flight: K more cold keys, BURST requests each at once; database reads counted by PostgreSQL
#     (pg_stat_user_tables.idx_scan on authorizations) and, where exposed, the daemon's load counter in /metrics.
# Results: bench/e2e/out/keys/results.jsonl.
#
#   bench/e2e/keys.sh [N] [K] [BURST]
#
# Env: DATABASES ("sqlite postgresql"), PG_URL_BASE (jdbc:postgresql://127.0.0.1:5432), PG_USER (current user).
. "$(dirname "$0")/lib.sh"
N="${1:-100000}"
K="${2:-100}"
BURST="${3:-10}"
DATABASES="${DATABASES:-sqlite postgresql}"
JCMD="$JAVA_HOME/bin/jcmd"
: >"$E2E_OUT/results.jsonl"

e2e_build
e2e_relay "$(e2e_free_port)"

heap_mb() { # PID: heap used after a full GC, in MB
  "$JCMD" "$1" GC.run >/dev/null
  "$JCMD" "$1" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+' | awk '{printf "%d", $1/1024}'
}

pg_scans() { # idx_scan + seq_scan on the authorizations table
  psql -h 127.0.0.1 -U "${PG_USER:-$(id -un)}" -d keycast_bench -Atc \
    "select coalesce(sum(idx_scan),0) + coalesce(sum(seq_scan),0) from pg_stat_user_tables where relname = 'authorizations'"
}

metric_loads() { # the daemon's authorization-load counter, if /metrics has one
  curl -fsS "$METRICS_URL" | awk '/^keycast_[a-z_]*load[a-z_]*(_total)?[{ ]/ && /signer|authorization/ {s += $NF} END {print s + 0}'
}

for db in $DATABASES; do
  home="$E2E_OUT/home-$db"
  e2e_scale_db "$db" "$home" "$N" $((2 * K + 15)) || continue

  if [ "${E2E_CDS:-1}" = 1 ] && [ -z "${cds_ready:-}" ]; then
    # The start measured below is a restart, as ./keycast runs it: with the class-data archive that the first
    # daemon of this jar writes when it exits.
    e2e_serve "$(e2e_free_port)"
    e2e_stop_serve
    cds_ready=1
  fi
  SERVE_JAVA_OPTS="-Xlog:gc:file=$E2E_OUT/gc-keys-$db.log"
  log_from=$(wc -l <"$E2E_OUT/serve.log" 2>/dev/null || echo 0)
  e2e_serve "$(e2e_free_port)"
  heap=$(heap_mb "$SERVE_PID")
  export METRICS_URL # ColdKeys reads the daemon's own time per request from it (daemon_ms_per_request)
  # The key warmer: wait for its log line (at most 120 s), then the heap once it is done.
  warmer_ms=null
  for _ in $(seq 1 1200); do
    warmer_ms=$(tail -n +"$((log_from + 1))" "$E2E_OUT/serve.log" \
        | awk '/ahead of their first request in/ {for (i = 1; i < NF; i++) if ($(i + 1) == "ms") v = $i} END {print v}')
    [ -n "$warmer_ms" ] && break
    sleep 0.1
  done
  [ -n "$warmer_ms" ] || warmer_ms=null
  heap_warm=$(heap_mb "$SERVE_PID")
  e2e_record "$db/start" "{\"authorizations\":$N,\"start_to_healthy_ms\":$SERVE_START_MS,\"heap_after_full_gc_mb\":$heap,\"key_warmer_ms\":$warmer_ms,\"heap_after_warmer_mb\":$heap_warm}"

  # One cold key at a time (5 keys, one after the other): the latency of a lone first request, then warm; each
  # followed at once by the same key again from a fresh client (the daemon has served it). Interleaved, so that
  # the relay's and the daemon's own warming over the run weighs on both alike.
  for i in 0 1 2 3 4; do
    for pass in single-key single-key-again; do
      "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$E2E_DIR/ColdKeys.java" "$E2E_OUT/seed-$db.tsv" \
          "$RELAY_URL" $((2 * K + i)) 1 1 2 $((2 * K + 5)) 10 2>>"$E2E_OUT/cold-$db.log" | while read -r line; do
        e2e_record "$db/$pass" "$line"
      done
    done
  done
  before_pg=0
  [ "$db" = postgresql ] && before_pg=$(pg_scans)
  before_m=$(metric_loads)
  # Cold then warm: K keys, one request each, all at once, 4 rounds; then the same from a fresh client JVM.
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$E2E_DIR/ColdKeys.java" "$E2E_OUT/seed-$db.tsv" \
      "$RELAY_URL" 0 "$K" 1 4 $((2 * K + 5)) 10 >"$E2E_OUT/cold-$db.jsonl" 2>>"$E2E_OUT/cold-$db.log"
  while read -r line; do e2e_record "$db/cold-warm" "$line"; done <"$E2E_OUT/cold-$db.jsonl"
  mid_pg=0
  [ "$db" = postgresql ] && mid_pg=$(pg_scans)
  mid_m=$(metric_loads)
  # Single flight: K other cold keys, BURST requests each at once.
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$E2E_DIR/ColdKeys.java" "$E2E_OUT/seed-$db.tsv" \
      "$RELAY_URL" "$K" "$K" "$BURST" 1 $((2 * K + 5)) 10 >"$E2E_OUT/flight-$db.jsonl" 2>>"$E2E_OUT/cold-$db.log"
  after_pg=0
  [ "$db" = postgresql ] && after_pg=$(pg_scans)
  after_m=$(metric_loads)
  e2e_record "$db/single-flight" "$(python3 - "$(cat "$E2E_OUT/flight-$db.jsonl")" "$K" "$BURST" \
      "$before_pg" "$mid_pg" "$after_pg" "$before_m" "$mid_m" "$after_m" "$db" <<'EOF'
import json, sys
r = json.loads(sys.argv[1]); k, burst = int(sys.argv[2]), int(sys.argv[3])
b, m, a, bm, mm, am = (float(x) for x in sys.argv[4:10]); db = sys.argv[10]
out = {"keys": k, "requests_per_key": burst, **{x: r[x] for x in ("ok", "errors", "timeouts", "p50_ms", "p99_ms")}}
if db == "postgresql":
    out["pg_authorization_scans_cold_round"] = int(m - b)
    out["pg_authorization_scans_single_flight"] = int(a - m)
    out["pg_scans_per_key_single_flight"] = round((a - m) / k, 2)
out["metric_loads_cold_round"] = mm - bm
out["metric_loads_single_flight"] = am - mm
print(json.dumps(out))
EOF
)"
  # The cold-warm keys again from a fresh client JVM: round 0 is a new client on keys the daemon has served.
  "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$E2E_DIR/ColdKeys.java" "$E2E_OUT/seed-$db.tsv" \
      "$RELAY_URL" 0 "$K" 1 2 $((2 * K + 5)) 10 2>>"$E2E_OUT/cold-$db.log" | while read -r line; do
    e2e_record "$db/cold-warm-again" "$line"
  done
  e2e_stop_serve
done
e2e_log "done: $E2E_OUT/results.jsonl"
