#!/usr/bin/env bash
# Micro-benchmarks (issue 9, item 6): JMH on the hot paths, with the same input for all of them (one
# poll cycle of a 1,000-person simulated org, 1 % changed): page parse and diff, envelope
# serialisation, SSE frame and WebSocket text, webhook signing. Each benchmark class has a baseline
# measured in the same run, and the report gives every benchmark as a ratio to it: the machines are
# shared and noisy, the ratios travel better than the absolute figures. Sources: bench/jmh/.
#
# Settings: JMH_FORKS (default 1), JMH_WARMUP (2 iterations), JMH_ITERATIONS (3), JMH_TIME (1s per
# iteration), JMH_INCLUDE (a JMH regex of benchmarks to run; default all). With the defaults the 14
# benchmarks take about 90 s, the whole script under 2 minutes on 2 cores.
# Writes bench/results/jmh.json (JMH's own JSON under "results", plus "machine") and jmh.md.
. "$(dirname "$0")/lib/common.sh"

JMH_DIR="$BENCH_DIR/jmh"
JMH_JAR="$JMH_DIR/target/benchmarks.jar"
FORKS="${JMH_FORKS:-1}"
WARMUP="${JMH_WARMUP:-2}"
ITERATIONS="${JMH_ITERATIONS:-3}"
TIME="${JMH_TIME:-1s}"
INCLUDE="${JMH_INCLUDE:-}"
# A fixed heap: no resizing in the middle of a measurement.
JVM_ARGS="-Xms1g -Xmx1g"
COMMAND="bench/jmh.sh${JMH_FORKS:+ JMH_FORKS=$FORKS}${JMH_WARMUP:+ JMH_WARMUP=$WARMUP}${JMH_ITERATIONS:+ JMH_ITERATIONS=$ITERATIONS}${JMH_TIME:+ JMH_TIME=$TIME}${JMH_INCLUDE:+ JMH_INCLUDE=\"$INCLUDE\"}"

WORK=$(mktemp -d /tmp/bench-jmh.XXXXXX)
trap 'log "logs kept in $WORK"' EXIT

# The benchmarks compile against target/presence-gateway.jar: rebuilt when it or they are newer.
build_jmh() {
  (
    flock 9
    if [ ! -f "$JMH_JAR" ] || [ -n "$(find "$JMH_DIR/src" "$JMH_DIR/pom.xml" "$GATEWAY_JAR" -newer "$JMH_JAR" -print -quit)" ]; then
      log "building the JMH benchmarks"
      mvn -B -ntp -q -f "$JMH_DIR/pom.xml" -DskipTests package
    fi
  ) 9>/tmp/presence-gateway-bench-jmh.lock
}

build_gateway
build_jmh

jmh_args=(-f "$FORKS" -wi "$WARMUP" -w "$TIME" -i "$ITERATIONS" -r "$TIME" -jvmArgs "$JVM_ARGS")
[ -z "$INCLUDE" ] || jmh_args+=("$INCLUDE")
JMH_COMMAND="java -jar bench/jmh/target/benchmarks.jar -f $FORKS -wi $WARMUP -w $TIME -i $ITERATIONS -r $TIME -jvmArgs \"$JVM_ARGS\"${INCLUDE:+ \"$INCLUDE\"}"
log "JMH: $JMH_COMMAND"
load_start=$(cut -d' ' -f1 /proc/loadavg)   # reported beside the figures: how shared the CPUs were
java -jar "$JMH_JAR" "${jmh_args[@]}" -rf json -rff "$WORK/jmh-raw.json" >"$WORK/jmh.log" 2>&1 || {
  tail -40 "$WORK/jmh.log" >&2
  log "JMH failed (whole output in $WORK/jmh.log)"
  exit 1
}
sed -n '/^Benchmark /,$p' "$WORK/jmh.log" >&2

python3 "$JMH_DIR/report.py" --raw "$WORK/jmh-raw.json" --machine "$(machine_json)" --command "$COMMAND" \
  --jmh-command "$JMH_COMMAND" --load "$load_start $(cut -d' ' -f1 /proc/loadavg)" --out "$RESULTS_DIR/jmh"
log "wrote $RESULTS_DIR/jmh.json and jmh.md"
