#!/usr/bin/env bash
# Shared helpers for the benchmark scripts in bench/. Source it: . "$(dirname "$0")/lib/common.sh"
# Everything here targets loopback only; every wait is bounded.
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOP_DIR="$(cd "$BENCH_DIR/.." && pwd)"
RESULTS_DIR="$BENCH_DIR/results"
GATEWAY_JAR="$TOP_DIR/target/presence-gateway.jar"
mkdir -p "$RESULTS_DIR"

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Installs Debian packages when the given commands are missing: ensure_pkg CMD PKG [CMD PKG ...]
ensure_pkg() {
  local need=()
  while [ "$#" -ge 2 ]; do
    command -v "$1" >/dev/null 2>&1 || [ -e "$1" ] || need+=("$2")
    shift 2
  done
  if [ "${#need[@]}" -gt 0 ]; then
    log "installing ${need[*]}"
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

# Builds the gateway jar once (serialised by a lock, so parallel scripts never build twice at once).
build_gateway() {
  (
    flock 9
    if [ ! -f "$GATEWAY_JAR" ] || [ -n "$(find "$TOP_DIR/src/main" "$TOP_DIR/webroot" "$TOP_DIR/pom.xml" -newer "$GATEWAY_JAR" -print -quit)" ]; then
      log "building the gateway jar"
      mvn -B -ntp -q -f "$TOP_DIR/pom.xml" -DskipTests package
    fi
  ) 9>/tmp/presence-gateway-bench-build.lock
}

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL [SECONDS]: polls until URL answers 2xx, at most SECONDS (default 60).
wait_http() {
  local url="$1" limit="${2:-60}" deadline=$((SECONDS + ${2:-60}))
  while [ "$SECONDS" -lt "$deadline" ]; do
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  log "timed out after ${limit}s waiting for $url"
  return 1
}

# CPU time (user+system) of a process in clock ticks, and its RSS in KiB, read from /proc.
proc_cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
proc_rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
clock_ticks() { getconf CLK_TCK; }

# machine_json: cores, memory and JDK of this machine as a JSON object (for every result file).
machine_json() {
  local jdk; jdk=$(java -version 2>&1 | head -1 | sed 's/"/\\"/g')
  printf '{"cores":%s,"memGiB":%s,"jdk":"%s","date":"%s"}' "$(nproc)" \
    "$(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo)" "$jdk" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
