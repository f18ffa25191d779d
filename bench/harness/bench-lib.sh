#!/usr/bin/env bash
# Process helpers shared by bench/poll-capacity.sh and bench/webhooks.sh (source after lib/common.sh).
# Every process started here is recorded and killed by bench_cleanup (the scripts trap EXIT on it).
HARNESS_DIR="$BENCH_DIR/harness"
HARNESS_JAR="$HARNESS_DIR/target/bench-harness.jar"
BENCH_PIDS=()

# Builds the harness jar when missing or older than its sources.
build_harness() {
  (
    flock 9
    if [ ! -f "$HARNESS_JAR" ] || [ -n "$(find "$HARNESS_DIR/src" "$HARNESS_DIR/pom.xml" -newer "$HARNESS_JAR" -print -quit)" ]; then
      log "building the bench harness"
      mvn -B -ntp -q -f "$HARNESS_DIR/pom.xml" -DskipTests package
    fi
  ) 9>/tmp/presence-gateway-bench-harness.lock
}

harness() { java -jar "$HARNESS_JAR" "$@"; }

# bench_start NAME STORES: the start of a bench script: a work directory in WORK (/tmp/bench-NAME.*,
# kept for its logs), bench_cleanup trapped on EXIT, the gateway and harness jars built, and when
# STORES names redis, redis-server installed if missing and started (start_redis).
bench_start() {
  WORK=$(mktemp -d "/tmp/bench-$1.XXXXXX")
  trap 'bench_cleanup; log "logs kept in $WORK"' EXIT
  case " $2 " in *" redis "*) ensure_pkg redis-server redis-server redis-cli redis-tools ;; esac
  build_gateway
  build_harness
  case " $2 " in *" redis "*) start_redis "$WORK" ;; esac
}

# stop_pid PID: SIGTERM, then SIGKILL if it is still there after 10 s.
stop_pid() {
  local pid="$1" deadline=$((SECONDS + 10))
  kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do stop_pid "$pid"; done
  BENCH_PIDS=()
}

# start_java NAME LOG KEY=VALUE...: the gateway jar with that environment, in the background; sets LAST_PID.
start_java() {
  local name="$1" logfile="$2"; shift 2
  env "$@" java -jar "$GATEWAY_JAR" >"$logfile" 2>&1 &
  LAST_PID=$!
  BENCH_PIDS+=("$LAST_PID")
  log "$name started (pid $LAST_PID, log $logfile)"
}

# start_simulator_host PEOPLE LOGDIR: a gateway process that serves only its built-in Webex
# simulator (its own poller runs once at start, then waits an hour), so that the gateway under test
# polls it over HTTP from another process and its CPU is the gateway's alone. Sets SIM_PID, SIM_URL.
start_simulator_host() {
  local people="$1" dir="$2" http_port sim_port
  http_port=$(free_port); sim_port=$(free_port)
  start_java "simulator ($people people)" "$dir/simulator-$people.log" HTTP_HOST=127.0.0.1 HTTP_PORT="$http_port" \
    SOURCE=simulator SIMULATOR_PORT="$sim_port" SIMULATOR_PEOPLE="$people" SIMULATOR_CHANGE_INTERVAL_MS=0 \
    POLL_INTERVAL_MS=3600000 POLL_MAX_BACKOFF_MS=3600000
  SIM_PID=$LAST_PID
  SIM_URL="http://127.0.0.1:$sim_port"
  wait_http "http://127.0.0.1:$http_port/health/live" 60
}

# simulator_oauth TOKEN: (re)sets the simulator's OAuth client; the gateway under test refreshes its
# access token with this refresh token (the simulator's fixed token is random and never shown).
simulator_oauth() {
  curl -fsS -o /dev/null -X PUT "$SIM_URL/v1/simulator/oauth" -H 'Content-Type: application/json' \
    -d "{\"clientId\":\"bench\",\"clientSecret\":\"bench-secret\",\"refreshToken\":\"$1\",\"expiresInS\":86400}"
}

# start_gateway LOG KEY=VALUE...: the gateway under test, polling the simulator host; sets GW_PID, GW_URL.
start_gateway() {
  local logfile="$1"; shift
  local port rt="bench-rt-$RANDOM$RANDOM"
  port=$(free_port)
  simulator_oauth "$rt"
  start_java "gateway" "$logfile" HTTP_HOST=127.0.0.1 HTTP_PORT="$port" SOURCE=webex WEBEX_BASE_URL="$SIM_URL/v1" \
    WEBEX_CLIENT_ID=bench WEBEX_CLIENT_SECRET=bench-secret WEBEX_REFRESH_TOKEN="$rt" WEBEX_WATCH=org "$@"
  GW_PID=$LAST_PID
  GW_URL="http://127.0.0.1:$port"
  wait_http "$GW_URL/health/live" 60
}

# start_redis DIR: a throw-away redis-server on a free loopback port, no persistence; sets REDIS_PORT
# and REDIS_PID.
start_redis() {
  REDIS_PORT=$(free_port)
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --daemonize no \
    >"$1/redis.log" 2>&1 &
  REDIS_PID=$!
  BENCH_PIDS+=("$REDIS_PID")
  local deadline=$((SECONDS + 20))
  until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { log "redis-server did not start"; return 1; }
    sleep 0.1
  done
  log "redis-server on 127.0.0.1:$REDIS_PORT"
}
