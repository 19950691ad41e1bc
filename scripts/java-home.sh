# Sourced by ./test, ./keycast and .ci/run: exports JAVA_HOME pointing at a JDK 21 or newer.
# Order: an existing JAVA_HOME if it is 21+, `java` on PATH if it is 21+, then well-known install folders.
# Prints a clear message and returns 1 when no JDK 21+ exists.

keycast_java_major() { # $1 = path to a java binary; prints its feature version (17, 21, 25, ...)
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

keycast_find_java_home() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")" 2>/dev/null)" \
                   /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-2[1-9]-jdk* /usr/lib/jvm/java-2[1-9]-openjdk* \
                   /usr/lib/jvm/jdk-2[1-9]* /opt/java/openjdk /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(keycast_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      # Maven 3.9's bundled Guice touches sun.misc.Unsafe; JDK 24+ warns about it on every build. Allow it quietly.
      if [ "$major" -ge 24 ]; then
        case " ${MAVEN_OPTS:-} " in
          *sun-misc-unsafe-memory-access*) ;;
          *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
        esac
      fi
      return 0
    fi
  done
  echo "keycast: no JDK 21 or newer found (the default java here is $(java -version 2>&1 | head -n 1 || echo 'missing'))." >&2
  echo "keycast: install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
