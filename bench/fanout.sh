#!/usr/bin/env bash
# Fan-out (issue 9, items 2 and 3): the gateway on its built-in simulator and Nchan, side by side,
# serving the same SSE + WebSocket clients (half each) from one load tool process (bench/loadtool):
#   a) 2,000 clients x 20 changes/s   b) 10,000 clients x 2 changes/s
#   c) as many idle clients as the per-process open-file limit allows, 1 change/s
# For each scenario the gateway runs first; Nchan is then fed envelopes of the gateway's shape, median
# size and items per event, at the event rate the gateway produced. Per run: clients connected,
# latency from the envelope timestamp (p50/p90/p99/max), loss, server CPU per 1,000 messages, heap and
# RSS per connection, load tool CPU. Server and load tool share the 2 cores (no pinning): deliveries
# stay under 40,000/s, and the gateway's 2 event loops face nginx's 2 workers.
#
# Settings: FANOUT_SCENARIOS (default "a b c"), FANOUT_SCALE (divides every client count, for smoke
# runs; default 1), FANOUT_WINDOW_S (one window for every scenario instead of 10 s each).
# Writes bench/results/fanout.json and fanout.md. Bounded: about 4 minutes on 2 cores (ramps 60 s at most).
. "$(dirname "$0")/lib/common.sh"
. "$BENCH_DIR/harness/bench-lib.sh"

SCENARIOS="${FANOUT_SCENARIOS:-a b c}"
SCALE="${FANOUT_SCALE:-1}"
POLL_MS=100          # the smallest POLL_INTERVAL_MS: most simulated changes become an event of their own
FD_HEADROOM=500      # descriptors each process keeps for itself (jars, epoll, listeners, the log replay)
IDLE_MAX=20000       # the target's size; also well inside the 28,000 loopback ephemeral ports
LOADTOOL_DIR="$BENCH_DIR/loadtool"
LOADTOOL_JAR="$LOADTOOL_DIR/target/loadtool.jar"
NCHAN_MODULE=/usr/lib/nginx/modules/ngx_nchan_module.so
NGINX_WORKERS=2      # the same core budget as the gateway, whose HTTP verticles run on 2 event loops
COMMAND="${FANOUT_SCENARIOS:+FANOUT_SCENARIOS=\"$SCENARIOS\" }${FANOUT_SCALE:+FANOUT_SCALE=$SCALE }${FANOUT_WINDOW_S:+FANOUT_WINDOW_S=$FANOUT_WINDOW_S }bash bench/fanout.sh"

WORK=$(mktemp -d /tmp/bench-fanout.XXXXXX)
RUNS="$WORK/runs"
mkdir -p "$RUNS"
trap 'bench_cleanup; log "logs kept in $WORK"' EXIT

ensure_pkg nginx nginx "$NCHAN_MODULE" libnginx-mod-nchan pgrep procps jcmd openjdk-17-jdk-headless
build_gateway
if [ ! -f "$LOADTOOL_JAR" ] || [ -n "$(find "$LOADTOOL_DIR/src" "$LOADTOOL_DIR/pom.xml" -newer "$LOADTOOL_JAR" -print -quit)" ]; then
  log "building the load tool"
  mvn -B -ntp -q -f "$LOADTOOL_DIR/pom.xml" -DskipTests package
fi

# every child inherits the whole per-process limit; the idle scenario takes it less the headroom
ulimit -n "$(ulimit -Hn)"
FD_LIMIT=$(ulimit -n)
[ "$FD_LIMIT" = unlimited ] && FD_LIMIT=$((IDLE_MAX + FD_HEADROOM))
IDLE_CLIENTS=$(( FD_LIMIT - FD_HEADROOM < IDLE_MAX ? FD_LIMIT - FD_HEADROOM : IDLE_MAX ))
# and no more than the gateway's HTTP_MAX_CONNECTIONS=auto takes: the limit less its reserve (a
# fortieth, 256..2048) and the room it keeps for API requests (a tenth of the rest, at most 256)
GW_RESERVE=$(( FD_LIMIT / 40 < 256 ? 256 : (FD_LIMIT / 40 > 2048 ? 2048 : FD_LIMIT / 40) ))
GW_PORT_CAP=$(( FD_LIMIT - GW_RESERVE ))
GW_API_ROOM=$(( GW_PORT_CAP / 10 < 256 ? GW_PORT_CAP / 10 : 256 ))
GW_STREAMS=$(( GW_PORT_CAP - GW_API_ROOM ))
[ "$IDLE_CLIENTS" -le "$GW_STREAMS" ] || IDLE_CLIENTS=$GW_STREAMS

# loadtool RUN-OPTIONS...: one measurement, in the background so that the EXIT trap can stop it too,
# and killed if it outlives its own deadline by far.
loadtool() {
  timeout -k 5 400 java -jar "$LOADTOOL_JAR" run --clock-ticks "$(clock_ticks)" --warmup-ms 3000 --grace-ms 5000 \
    --baseline-ms 2000 --ramp-timeout-ms 60000 "$@" &
  local pid=$!
  BENCH_PIDS+=("$pid")
  wait "$pid"
}

# run_gateway NAME CLIENTS CHANGES_PER_S WINDOW_MS: the gateway on its simulator, measured.
run_gateway() {
  local name="$1" clients="$2" rate="$3" window="$4" port sim
  port=$(free_port); sim=$(free_port)
  start_java "gateway ($name)" "$WORK/gateway-$name.log" HTTP_HOST=127.0.0.1 HTTP_PORT="$port" SOURCE=simulator \
    SIMULATOR_PORT="$sim" SIMULATOR_CHANGE_INTERVAL_MS=$((1000 / rate)) POLL_INTERVAL_MS="$POLL_MS" LOG_LEVEL=warn
  local gw=$LAST_PID
  wait_http "http://127.0.0.1:$port/health/ready" 60
  sleep 3   # start-up JIT work would otherwise count as the idle CPU the load tool measures first
  loadtool --flavour gateway --port "$port" --jvm-pid "$gw" --sse $((clients / 2)) --ws $((clients - clients / 2)) \
    --window-ms "$window" --changes-per-sec "$rate" --label "$name" --out "$RUNS/$name-gateway.json"
  stop_pid "$gw"
}

# run_nchan NAME CLIENTS CHANGES_PER_S WINDOW_MS: Nchan fed like the gateway's run of the same scenario.
run_nchan() {
  local name="$1" clients="$2" rate="$3" window="$4" port dir="$WORK/nginx-$1" events bytes items
  read -r events bytes items < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); ref = r["reference"]
print(r["eventsPerSec"] or sys.argv[2], r["envelopeBytes"].get("p50", 0), max(1, round(ref["items"] / max(1, ref["events"]))))
' "$RUNS/$name-gateway.json" "$rate")
  port=$(free_port)
  mkdir -p "$dir"
  sed -e "s#@DIR@#$dir#g; s#@PORT@#$port#g; s#@WORKERS@#$NGINX_WORKERS#g; s#@NOFILE@#$FD_LIMIT#g" \
    -e "s#@CONNECTIONS@#$((FD_LIMIT - 100))#g" "$BENCH_DIR/nchan/nginx.conf.template" >"$dir/nginx.conf"
  nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
  local master=$!
  BENCH_PIDS+=("$master")
  log "nginx + Nchan ($name) started (pid $master, $dir)"
  wait_http "http://127.0.0.1:$port/ready" 20
  local workers
  workers=$(pgrep -P "$master" | paste -sd, -)
  IFS=, read -r -a worker_pids <<<"$workers"
  BENCH_PIDS+=("${worker_pids[@]}")   # a master killed hard would leave its workers behind
  log "feeding Nchan $events events/s of $bytes bytes, $items item(s) each"
  loadtool --flavour nchan --port "$port" --pid "$workers" --sse $((clients / 2)) --ws $((clients - clients / 2)) \
    --window-ms "$window" --publish-url "http://127.0.0.1:$port/pub" --rate "$events" --body-bytes "$bytes" \
    --items "$items" --changes-per-sec "$rate" --label "$name" --out "$RUNS/$name-nchan.json"
  stop_pid "$master"
}

for name in $SCENARIOS; do
  case "$name" in
    a) clients=2000 rate=20 window_s=10 ;;
    b) clients=10000 rate=2 window_s=10 ;;
    c) clients=$IDLE_CLIENTS rate=1 window_s=10 ;;
    *) log "unknown scenario '$name' (known: a b c)"; exit 2 ;;
  esac
  clients=$(( clients / SCALE / 2 * 2 ))
  window=$(( ${FANOUT_WINDOW_S:-$window_s} * 1000 ))
  log "fan-out $name: $clients clients (half SSE, half WebSocket), $rate changes/s, $((window / 1000)) s window"
  run_gateway "$name" "$clients" "$rate" "$window"
  run_nchan "$name" "$clients" "$rate" "$window"
done

servers="Nchan $(dpkg-query -W -f='${Version}' libnginx-mod-nchan 2>/dev/null | sed 's/^[0-9]*://; s/+.*//') on nginx $(nginx -v 2>&1 | sed 's#.*/##'), $NGINX_WORKERS workers"
java -jar "$LOADTOOL_JAR" report --runs-dir "$RUNS" --machine "$(machine_json)" --command "$COMMAND" \
  --servers "$servers" --poll-interval-ms "$POLL_MS" --fd-limit "$FD_LIMIT" --idle-clients "$IDLE_CLIENTS" \
  --out "$RESULTS_DIR/fanout"
log "wrote $RESULTS_DIR/fanout.json and fanout.md"
