#!/usr/bin/env bash
# keycast-crypto JMH benchmarks, once per secp256k1 backend, single-threaded, against the packaged multi-release jar.
#
#   bench/run-jmh.sh [JMH benchmark regex]          e.g. bench/run-jmh.sh 'SecpBenchmark.sign$'
#
# Environment:
#   KEYCAST_BENCH_BACKENDS   backends to run, default "ffm jni java"
#                              ffm  = FFM on JDK 22+ (-Dkeycast.crypto.backend=native)
#                              jni  = ACINQ JNI      (-Dkeycast.crypto.backend=native -Dkeycast.crypto.ffm=false)
#                              java = Bouncy Castle  (-Dkeycast.crypto.backend=java)
#   JMH_ARGS                 JMH options, default "-f 1 -wi 2 -w 2s -i 3 -r 3s" (short: the machine is shared)
# Every run asserts the backend it is meant to measure (keycast.bench.expect) and fails otherwise.
# Results: target/jmh/<backend>.json, the JMH text output, and one summary line per benchmark:
#   jmh backend=<name> op=<benchmark> ops_per_s=<score> error=<99.9% half-width> best_ops_per_s=<best iteration>
# (on a shared machine the best iteration is the figure least disturbed by other processes).
# Needs JDK 22+ for the ffm run (the FFM classes are only built by Maven running on JDK 22+).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
keycast_find_java_home
PATTERN="${1:-dev.keycast.crypto.bench.}"
BACKENDS="${KEYCAST_BENCH_BACKENDS:-ffm jni java}"
read -r -a JMH <<< "${JMH_ARGS:--f 1 -wi 2 -w 2s -i 3 -r 3s}"
OUT="$PWD/target/jmh"
mkdir -p "$OUT"

./mvnw -B -q -Pjmh -pl keycast-crypto package -DskipTests
./mvnw -B -q -Pjmh -pl keycast-crypto dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$OUT/classpath.txt" >/dev/null
JAR="$(ls keycast-crypto/target/keycast-crypto-*.jar | grep -v -e sources -e javadoc | head -n 1)"
CP="$JAR:keycast-crypto/target/jmh-classes:$(cat "$OUT/classpath.txt")"

echo "# machine: $(nproc) cpu, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
for backend in $BACKENDS; do
  case "$backend" in
    ffm)  props=(-Dkeycast.crypto.backend=native -Dkeycast.bench.expect=ffm) ;;
    jni)  props=(-Dkeycast.crypto.backend=native -Dkeycast.crypto.ffm=false -Dkeycast.bench.expect=acinq-jni) ;;
    java) props=(-Dkeycast.crypto.backend=java -Dkeycast.bench.expect=bouncycastle) ;;
    *) echo "run-jmh: unknown backend '$backend' (ffm, jni, java)" >&2; exit 64 ;;
  esac
  echo "# backend $backend: ${props[*]}"
  # Forks inherit these JVM options from the host JVM.
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED "${props[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$CP" org.openjdk.jmh.Main "${JMH[@]}" -rf json -rff "$OUT/$backend.json" "$PATTERN"
  python3 - "$OUT/$backend.json" "$backend" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1])):
    m = r["primaryMetric"]
    op = r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1]
    params = ",".join(f"{k}={v}" for k, v in (r.get("params") or {}).items())
    try:
        err = float(m["scoreError"])
    except (TypeError, ValueError):
        err = float("nan")  # a single iteration has no error estimate
    err = "n/a" if err != err else f"{err:.0f}"
    best = max(v for fork in m["rawData"] for v in fork)
    print(f"jmh backend={sys.argv[2]} op={op}{'[' + params + ']' if params else ''} ops_per_s={m['score']:.0f} "
          f"error={err} best_ops_per_s={best:.0f}")
PY
done
