#!/usr/bin/env bash
# Runs the keycast-queue JMH benchmarks (not part of ./test).
# Usage: bench/run-queue-jmh.sh [JMH arguments]   default: -f 1 -wi 2 -i 3 (short runs for a shared 2-core machine)
# Example: bench/run-queue-jmh.sh -f 1 -wi 2 -i 3 -w 1s -r 2s 'CpuStarvationBenchmark'
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/java-home.sh
keycast_find_java_home
./mvnw -B -q -pl keycast-queue test-compile
./mvnw -B -q -pl keycast-queue dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/jmh.classpath
cp="keycast-queue/target/test-classes:keycast-queue/target/classes:$(cat keycast-queue/target/jmh.classpath)"
if [ "$#" -eq 0 ]; then
  set -- -f 1 -wi 2 -i 3 'dev.keycast.queue.jmh'
fi
exec "$JAVA_HOME/bin/java" -cp "$cp" org.openjdk.jmh.Main "$@"
