# Sourced by ./facesearch and ./mvnw (POSIX sh): leaves JAVA_HOME naming a JDK 21 or newer, or unset when none
# is found. Kept: a JAVA_HOME that already names one. Else the `java` on PATH if it is 21+, else the newest-named
# JDK under /usr/lib/jvm (where Debian and the Temurin packages install them), so that a machine whose default
# java is 17 still builds and runs without anyone setting anything.

facesearch_java_major() {
  "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}

facesearch_is_jdk21() {
  [ -x "$1/bin/javac" ] && [ "$(facesearch_java_major "$1/bin/java")" -ge 21 ] 2>/dev/null
}

facesearch_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && facesearch_is_jdk21 "$JAVA_HOME"; then
    return 0
  fi
  if command -v java >/dev/null 2>&1; then
    candidate="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    if facesearch_is_jdk21 "$candidate"; then
      JAVA_HOME="$candidate"
      export JAVA_HOME
      return 0
    fi
  fi
  found=""
  for name in $(ls /usr/lib/jvm 2>/dev/null); do # ls, not a glob: mvnw runs with globbing off
    candidate="/usr/lib/jvm/$name"
    if facesearch_is_jdk21 "$candidate"; then
      found="$candidate"
    fi
  done
  if [ -n "$found" ]; then
    JAVA_HOME="$found"
    export JAVA_HOME
  fi
}

facesearch_find_jdk
