#!/usr/bin/env bash
# nostr-tools comparison benchmark: installs the pinned interop clients if missing, then runs bench.mjs.
#   bench/node/run.sh [seconds-per-op]      (default 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -d interop/node_modules/nostr-tools ]; then
  (cd interop && npm ci --no-audit --no-fund --loglevel=error)
fi
exec node bench/node/bench.mjs "${1:-3}"
