#!/usr/bin/env bash
# Starts redis-server, two gateway instances on one Redis and Debian's nginx in front of them, all on
# loopback; checks requests through nginx; stops everything it started on exit.
#   deploy/nginx/run-local.sh            check and exit
#   KEEP=1 deploy/nginx/run-local.sh     keep running until Ctrl-C (open http://127.0.0.1:$LB_PORT/)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LB_PORT="${LB_PORT:-18080}"
PORT_A="${PORT_A:-18081}"
PORT_B="${PORT_B:-18082}"
REDIS_PORT="${REDIS_PORT:-16379}"
JAR="$ROOT/target/presence-gateway.jar"
WORK="$(mktemp -d -t pg-nginx-XXXXXX)"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

need() {  # installs a Debian package when its command is missing
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "Installing $2 (apt-get)..."
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq "$2" >/dev/null; fi
  fi
}
need redis-server redis-server
need nginx nginx
need curl curl

wait_for() {  # wait_for URL WHAT: polls for up to 60 s
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "FAILED: $2 did not answer at $1; logs in $WORK" >&2
  tail -n 20 "$WORK"/*.log >&2 || true
  exit 1
}

[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" >"$WORK/redis.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

start_gateway() {  # start_gateway NAME HTTP_PORT KEY=VALUE...
  local name="$1" port="$2"; shift 2
  (cd "$WORK" && env REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" HTTP_HOST=127.0.0.1 HTTP_PORT="$port" \
    WEBEX_TOKEN=local-dev POLL_LEASE_TTL_MS=5000 "$@" java -jar "$JAR") >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
}
# one upstream for both: A embeds the simulator (accepting WEBEX_TOKEN), B polls it as its Webex
SIM_PORT=$((PORT_A + 100))
start_gateway gateway-a "$PORT_A" SIMULATOR_PORT="$SIM_PORT"
start_gateway gateway-b "$PORT_B" SOURCE=webex WEBEX_BASE_URL="http://127.0.0.1:$SIM_PORT/v1"
wait_for "http://127.0.0.1:$PORT_A/health/live" "gateway A"
wait_for "http://127.0.0.1:$PORT_B/health/live" "gateway B"

mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
sed -e "s/127.0.0.1:8080;/127.0.0.1:$LB_PORT;/" -e "s/127.0.0.1:8081 /127.0.0.1:$PORT_A /" \
    -e "s/127.0.0.1:8082 /127.0.0.1:$PORT_B /" -e "s/worker_connections 20000;/worker_connections 1024;/" \
    "$ROOT/deploy/nginx/nginx.conf" > "$WORK/nginx/nginx.conf"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' >"$WORK/nginx.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$LB_PORT/health/live" "nginx"

# the lease holder polls within a few seconds; the state is in Redis, so both instances serve it
for _ in $(seq 1 60); do
  body="$(curl -fsS "http://127.0.0.1:$LB_PORT/v1/presence" || true)"
  case "$body" in *'"status"'*) break ;; esac
  sleep 0.5
done
case "$body" in
  *'"payload":"user-presence"'*'"status"'*) ;;
  *) echo "FAILED: no presence through nginx: $body" >&2; exit 1 ;;
esac
for port in "$PORT_A" "$PORT_B"; do
  curl -fsS "http://127.0.0.1:$port/v1/presence" | grep -q '"status"' || { echo "FAILED: instance $port has no state" >&2; exit 1; }
done
curl -fsS "http://127.0.0.1:$LB_PORT/health/ready" >/dev/null || { echo "FAILED: /health/ready through nginx" >&2; exit 1; }
echo "OK: nginx :$LB_PORT -> gateways :$PORT_A and :$PORT_B on redis :$REDIS_PORT; /v1/presence has $(grep -o '"status"' <<<"$body" | wc -l) people"

if [ "${KEEP:-0}" = "1" ]; then
  echo "Open http://127.0.0.1:$LB_PORT/ - Ctrl-C stops everything"
  wait
fi
