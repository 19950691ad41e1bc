#!/usr/bin/env bash
# Builds and runs the C reference harness (secp_bench.c): single-thread ops/s of libsecp256k1 called from C.
#
#   bench/c/run.sh [seconds-per-op]        (default 3)
#
# Needs gcc and Debian's libsecp256k1-dev. If the header is missing this script installs it with
#   apt-get update && apt-get install -y libsecp256k1-dev
# (as root, or through sudo). It builds the harness twice from the same source:
#   lib=debian  linked against Debian's libsecp256k1 (the brief's reference figures)
#   lib=acinq   linked against the libsecp256k1-jni.so bundled in ACINQ's secp256k1-kmp-jni-jvm-linux jar (the very
#               binary the JNI and FFM backends call), when that jar is in the local Maven repository
# Output: one line per op, `c-secp256k1 lib=<label> op=<name> ops_per_s=<mean> best_ops_per_s=<best 0.5 s> ...`.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_OP="${1:-3}"
OUT="${KEYCAST_BENCH_BUILD:-$PWD/../../target/bench-c}"
mkdir -p "$OUT"

if [ ! -f /usr/include/secp256k1_schnorrsig.h ]; then
  echo "bench/c: installing libsecp256k1-dev (apt-get)" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q >&2
  $SUDO apt-get install -y -q libsecp256k1-dev >&2
fi
command -v gcc >/dev/null || { echo "bench/c: gcc not found (apt-get install -y gcc)" >&2; exit 1; }

CFLAGS=(-O2 -march=native -Wall -Wextra -std=c11 -D_POSIX_C_SOURCE=199309L)
gcc "${CFLAGS[@]}" -o "$OUT/secp_bench_debian" secp_bench.c -lsecp256k1
echo "# debian libsecp256k1: $(dpkg-query -W -f='${Version}' libsecp256k1-1 2>/dev/null || echo unknown)"

ACINQ_JAR="$(ls "${MAVEN_REPO:-$HOME/.m2/repository}"/fr/acinq/secp256k1/secp256k1-kmp-jni-jvm-linux/*/secp256k1-kmp-jni-jvm-linux-*.jar 2>/dev/null | sort | tail -n 1 || true)"
if [ -n "$ACINQ_JAR" ] && [ "$(uname -m)" = "x86_64" ]; then
  rm -rf "$OUT/acinq" && mkdir -p "$OUT/acinq"
  (cd "$OUT/acinq" && unzip -q -o "$ACINQ_JAR" 'fr/acinq/secp256k1/jni/native/linux-x86_64/*')
  SO_DIR="$OUT/acinq/fr/acinq/secp256k1/jni/native/linux-x86_64"
  gcc "${CFLAGS[@]}" -o "$OUT/secp_bench_acinq" secp_bench.c "$SO_DIR/libsecp256k1-jni.so" -Wl,-rpath,"$SO_DIR"
  echo "# acinq: $(basename "$ACINQ_JAR")"
fi

echo "# machine: $(nproc) cpu, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$OUT/secp_bench_debian" debian "$SECONDS_PER_OP"
if [ -x "$OUT/secp_bench_acinq" ]; then "$OUT/secp_bench_acinq" acinq "$SECONDS_PER_OP"; fi
