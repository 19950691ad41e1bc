#!/usr/bin/env bash
# Proves the README's first command from a fresh clone:
#   1. git clone this repository (committed state) into a temporary folder;
#   2. build it the way a newcomer does (./keycast builds the jar on first use);
#   3. run `./keycast serve --dev` there with a temporary KEYCAST_HOME and ephemeral ports;
#   4. wait (bounded) for GET /health to answer 200, then send one NIP-46 request through the printed bunker URI
#      (`keycast loadtest --requests 1 --method ping`) and require an ok reply;
#   5. stop the daemon with SIGTERM and require exit code 0.
# Usage: scripts/clean-clone-check.sh   (env KEYCAST_CHECK_HEALTH_SECONDS, default 120)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
health_seconds="${KEYCAST_CHECK_HEALTH_SECONDS:-120}"
work="$(mktemp -d "${TMPDIR:-/tmp}/keycast-clean-clone.XXXXXX")"
daemon_pid=""
cleanup() {
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then kill -KILL "$daemon_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
say() { echo "clean-clone-check: $*" >&2; }
fail() { say "FAILED: $*"; [ -f "$work/serve.out" ] && { say "--- serve stdout"; cat "$work/serve.out" >&2; }; \
         [ -f "$work/serve.err" ] && { say "--- serve stderr (last 40 lines)"; tail -n 40 "$work/serve.err" >&2; }; exit 1; }

say "cloning $root into $work/keycast"
git clone -q "$root" "$work/keycast"
cd "$work/keycast"
export KEYCAST_HOME="$work/home"
unset KEYCAST_DB_URL KEYCAST_MASTER_KEY_FILE KEYCAST_RELAYS KEYCAST_HTTP_PORT KEYCAST_HTTP_HOST || true

say "building (./keycast --version)"
./keycast --version >/dev/null 2>"$work/build.err" || { cat "$work/build.err" >&2; fail "the build from a fresh clone failed"; }

say "starting ./keycast serve --dev (ephemeral ports, KEYCAST_HOME=$KEYCAST_HOME)"
./keycast serve --dev --http-port 0 --dev-relay-port 0 >"$work/serve.out" 2>"$work/serve.err" &
daemon_pid=$!
serve_started=$SECONDS

deadline=$((SECONDS + health_seconds))
health_url=""
while [ $SECONDS -lt $deadline ]; do
  kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon exited early"
  health_url="$(sed -n 's/^.*health: *\(http:[^ ]*\/health\).*$/\1/p' "$work/serve.out" | head -n 1)"
  if [ -n "$health_url" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$health_url" || true)" = "200" ]; then
    break
  fi
  sleep 1
done
[ -n "$health_url" ] && [ "$(curl -s -o "$work/health.json" -w '%{http_code}' "$health_url" || true)" = "200" ] \
  || fail "GET /health did not answer 200 within ${health_seconds}s"
say "healthy ~$((SECONDS - serve_started)) s after start: $(cat "$work/health.json")"

bunker_uri="$(grep -o 'bunker://[^ ]*' "$work/serve.out" | head -n 1)"
[ -n "$bunker_uri" ] || fail "serve --dev printed no bunker URI"
say "one request through $bunker_uri"
./keycast loadtest --bunker "$bunker_uri" --requests 1 --concurrency 1 --method ping --json >"$work/loadtest.json" \
  2>"$work/loadtest.err" || { cat "$work/loadtest.err" "$work/loadtest.json" >&2; fail "the ping through the bunker failed"; }
grep -q '"ok":1' "$work/loadtest.json" || { cat "$work/loadtest.json" >&2; fail "the ping got no ok reply"; }
say "reply ok: $(cat "$work/loadtest.json")"

say "stopping the daemon (SIGTERM)"
kill -TERM "$daemon_pid"
code=0
wait "$daemon_pid" || code=$?
daemon_pid=""
[ "$code" -eq 0 ] || fail "the daemon exited with $code after SIGTERM (expected 0)"
say "OK: fresh clone builds, serves --dev, reaches healthy, answers a request, stops cleanly"
