# Shared helpers for bench/e2e/*.sh (sourced, not run). Everything binds 127.0.0.1 only; every process started
# here is remembered by pid and stopped by pid on exit. Results go to $E2E_OUT (default bench/e2e/out/<script>/).
set -euo pipefail
E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$E2E_DIR/../.." && pwd)"
. "$ROOT/scripts/java-home.sh"
keycast_find_java_home >/dev/null || { echo "bench/e2e: needs a JDK 21+" >&2; exit 1; }
JAVA="$JAVA_HOME/bin/java"
# KEYCAST_JAR: measure a given build (A/B comparisons) instead of building this checkout's.
JAR="${KEYCAST_JAR:-$ROOT/keycast-cli/target/keycast.jar}"
E2E_PIDS=()
E2E_NAME="$(basename "${0%.sh}")"
E2E_OUT="${E2E_OUT:-$E2E_DIR/out/$E2E_NAME}"
mkdir -p "$E2E_OUT"

e2e_log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

e2e_cleanup() {
  local pid
  for pid in "${E2E_PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${E2E_PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
}
trap e2e_cleanup EXIT

# Builds keycast.jar if needed (through ./keycast, which rebuilds when sources changed).
e2e_build() {
  [ -n "${KEYCAST_JAR:-}" ] || "$ROOT/keycast" --version >/dev/null
}

# Runs the keycast CLI (no JVM flags of ours).
kc() {
  if [ -n "${KEYCAST_JAR:-}" ]; then
    "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" "$@"
  else
    "$ROOT/keycast" "$@"
  fi
}

# A free loopback port (bound and released; good enough on a machine where everyone else binds port 0).
e2e_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# e2e_cpu_ticks PID: user + system CPU of a process so far, in clock ticks (getconf CLK_TCK per second).
e2e_cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# The 1-minute load average and the number of runnable processes, for the record next to each figure.
e2e_load() { cut -d' ' -f1,4 /proc/loadavg; }

# e2e_relay PORT: the dev relay in its own JVM (JVM options from RELAY_JAVA_OPTS); sets RELAY_URL.
e2e_relay() {
  local port="$1"
  # shellcheck disable=SC2086
  "$JAVA" --enable-native-access=ALL-UNNAMED ${RELAY_JAVA_OPTS:-} -jar "$JAR" relay --host 127.0.0.1 --port "$port" \
      >"$E2E_OUT/relay.log" 2>&1 &
  E2E_PIDS+=($!)
  RELAY_PID=$!
  RELAY_URL="ws://127.0.0.1:$port"
  e2e_wait_port "$port" 30 || { echo "relay did not start:" >&2; tail -20 "$E2E_OUT/relay.log" >&2; exit 1; }
}

e2e_wait_port() { # PORT SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# e2e_home DIR: a fresh KEYCAST_HOME (keycast init) with a key "bench" and an authorization on $RELAY_URL under
# the benchmark policy "bench" (BenchAuthorization.java: all perms, per-client rate limit lifted so that a few
# load-generator clients measure the pipeline, not the limiter); sets BUNKER_URI. MAX_USES (default 0 = unlimited)
# bounds the connect secret's uses (one per driver client); POLICY (default bench) may name a built-in one (full). Serve options for the intake limiter: SERVE_LIMITS.
e2e_home() {
  export KEYCAST_HOME="$1"
  rm -rf "$KEYCAST_HOME"
  kc init >/dev/null
  kc keys generate --name bench --json >/dev/null
  DB_URL="${KEYCAST_DB_URL:-jdbc:sqlite:$KEYCAST_HOME/keycast.db}"
  BUNKER_URI=$("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$E2E_DIR/BenchAuthorization.java" \
      "$DB_URL" "$KEYCAST_HOME/master.key" bench "$RELAY_URL" "${MAX_USES:-0}" "${POLICY:-bench}")
}

# The intake limiter of keycast serve, lifted for the same reason (per client key: burst, then per second).
SERVE_LIMITS=(--client-rate-limit 1000000 --client-burst 1000000)

# e2e_serve HTTP_PORT [serve options...]: keycast serve on $RELAY_URL in the background with JVM options from
# SERVE_JAVA_OPTS (e.g. JFR, GC log); waits for /health 200. Sets SERVE_PID, HEALTH_URL, METRICS_URL, SERVE_START_MS.
e2e_serve() {
  local port="$1"
  shift
  local t0
  # Class data sharing as ./keycast does it (one archive per jar, written when the first daemon of that jar exits):
  # E2E_CDS=0 turns it off.
  local cds=""
  [ "${E2E_CDS:-1}" = 1 ] && cds="-XX:SharedArchiveFile=$E2E_OUT/serve-$(cksum <"$JAR" | cut -d ' ' -f 1).jsa \
      -XX:+AutoCreateSharedArchive -Xlog:cds=off -Xlog:cds+dynamic=off"
  t0=$(date +%s%3N)
  # shellcheck disable=SC2086
  "$JAVA" --enable-native-access=ALL-UNNAMED $cds ${SERVE_JAVA_OPTS:-} -jar "$JAR" serve --relay "$RELAY_URL" \
      --http-host 127.0.0.1 --http-port "$port" "${SERVE_LIMITS[@]}" "$@" >>"$E2E_OUT/serve.log" 2>&1 &
  SERVE_PID=$!
  E2E_PIDS+=($SERVE_PID)
  HEALTH_URL="http://127.0.0.1:$port/health"
  METRICS_URL="http://127.0.0.1:$port/metrics"
  local i
  for ((i = 0; i < 600; i++)); do
    if curl -fsS -o /dev/null "$HEALTH_URL" 2>/dev/null; then
      SERVE_START_MS=$(($(date +%s%3N) - t0))
      return 0
    fi
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "keycast serve did not become healthy:" >&2
  tail -30 "$E2E_OUT/serve.log" >&2
  exit 1
}

e2e_stop_serve() {
  kill "$SERVE_PID" 2>/dev/null || true
  wait "$SERVE_PID" 2>/dev/null || true
}

# e2e_drive ARGS...: the benchmark driver (OfferedLoad.java) on the CLI jar; prints its JSON line.
e2e_drive() {
  "$JAVA" --enable-native-access=ALL-UNNAMED ${DRIVER_JAVA_OPTS:-} -cp "$JAR" "$E2E_DIR/OfferedLoad.java" "$@"
}

# e2e_loadtest ARGS...: keycast loadtest --json.
e2e_loadtest() {
  "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" loadtest --json "$@"
}

# e2e_record NAME JSON: appends {"name", "load": "1m-avg runnable/total", ...JSON} to $E2E_OUT/results.jsonl.
e2e_record() {
  local load
  load=$(e2e_load)
  python3 - "$1" "$load" "$2" >>"$E2E_OUT/results.jsonl" <<'EOF'
import json, sys
name, load, doc = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
print(json.dumps({"name": name, "loadavg_1m": float(load.split()[0]), "runnable": load.split()[1], **doc}))
EOF
  e2e_log "$1: $2 (load $load)"
}

# Several daemons on one database (the cluster scripts). e2e_instance_start ID [serve options...]: `keycast serve`
# on $DB and $RELAY_URL under --instance-id ID, its log in $E2E_OUT/ID.log, the same HTTP port on every restart;
# waits for /health. Uses the associative arrays PORT and PID, which the caller declares (declare -A PORT PID).
e2e_instance_start() {
  local id="$1"
  shift
  PORT[$id]="${PORT[$id]:-$(e2e_free_port)}"
  "$JAVA" --enable-native-access=ALL-UNNAMED -jar "$JAR" serve --db "$DB" --relay "$RELAY_URL" \
      --http-host 127.0.0.1 --http-port "${PORT[$id]}" --instance-id "$id" "$@" >>"$E2E_OUT/$id.log" 2>&1 &
  PID[$id]=$!
  E2E_PIDS+=($!)
  local i
  for ((i = 0; i < 600; i++)); do
    curl -fsS -o /dev/null "http://127.0.0.1:${PORT[$id]}/health" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "instance $id did not start" >&2
  tail -20 "$E2E_OUT/$id.log" >&2
  exit 1
}

# e2e_instance_health ID FIELD: a number from the cluster object of its /health (0 if it does not answer); no
# python, as cheap as a poll can be.
e2e_instance_health() {
  local n
  n=$(curl -fsS --max-time 1 "http://127.0.0.1:${PORT[$1]}/health" 2>/dev/null | grep -o "\"$2\":[0-9]*" | cut -d: -f2)
  echo "${n:-0}"
}

# e2e_scale_db DB HOME N CONNECTED: for DB (sqlite or postgresql) a fresh KEYCAST_HOME at HOME (e2e_home) whose
# database holds N authorizations of the key "bench" seeded through the store API (SeedAuthorizations.java, as
# keycast authorize makes them), the first CONNECTED with a connected client, listed in $E2E_OUT/seed-DB.tsv;
# records "DB/seed". PostgreSQL: the database keycast_bench on PG_URL_BASE (jdbc:postgresql://127.0.0.1:5432) as
# PG_USER (the current user), dropped and re-created, KEYCAST_DB_URL exported; returns 1 if it is not running.
e2e_scale_db() {
  local db="$1" home="$2" n="$3" connected="$4" pg_user="${PG_USER:-$(id -un)}" seed_url seed
  unset KEYCAST_DB_URL
  if [ "$db" = postgresql ]; then
    if ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
      e2e_log "PostgreSQL is not running on 127.0.0.1:5432: skipping it"
      return 1
    fi
    dropdb -h 127.0.0.1 -U "$pg_user" --if-exists keycast_bench
    createdb -h 127.0.0.1 -U "$pg_user" keycast_bench
    export KEYCAST_DB_URL="${PG_URL_BASE:-jdbc:postgresql://127.0.0.1:5432}/keycast_bench?user=$pg_user"
  fi
  e2e_home "$home" # init, key "bench", one authorization (its URI is not used)
  seed_url="$DB_URL"
  # Seeding only: PostgreSQL commits without waiting for the WAL flush (100,000 single-row transactions).
  [ "$db" = postgresql ] && seed_url="$DB_URL&options=-c%20synchronous_commit%3Doff"
  e2e_log "$db: seeding $n authorizations, $connected connected"
  seed=$("$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" "$E2E_DIR/SeedAuthorizations.java" "$seed_url" \
      "$KEYCAST_HOME/master.key" bench "$RELAY_URL" "$n" "$connected" "$E2E_OUT/seed-$db.tsv" 4 \
      2>>"$E2E_OUT/seed-$db.log")
  e2e_record "$db/seed" "$seed"
}
