#!/usr/bin/env bash
# Poll capacity (issue 9, item 4): orgs of 1,000 / 10,000 / 100,000 people on the paged org list,
# 1 % of them changed between two cycles, memory and Redis stores. Per cycle: cycle time, gateway
# CPU, upstream calls, Redis round trips, changes detected; and how cost per person grows with size.
#
# The simulator runs in a process of its own (a gateway jar with SOURCE=simulator that only serves
# its simulator), and the gateway under test polls it as it would poll Webex (SOURCE=webex, OAuth
# against the simulator's token endpoint): so the CPU read from /proc is the gateway's alone.
#
# Settings: POLL_SIZES (default "1000 10000 100000"), POLL_STORES ("memory redis"), POLL_CYCLES (5).
# Writes bench/results/poll.json and poll.md. Bounded: about 4 minutes on 2 cores.
. "$(dirname "$0")/lib/common.sh"
. "$BENCH_DIR/harness/bench-lib.sh"

SIZES="${POLL_SIZES:-1000 10000 100000}"
STORES="${POLL_STORES:-memory redis}"
CYCLES="${POLL_CYCLES:-5}"
INTERVAL_MS=3000
COMMAND="bench/poll-capacity.sh${POLL_SIZES:+ POLL_SIZES=\"$SIZES\"}${POLL_STORES:+ POLL_STORES=\"$STORES\"}${POLL_CYCLES:+ POLL_CYCLES=$CYCLES}"

WORK=$(mktemp -d /tmp/bench-poll.XXXXXX)
trap 'bench_cleanup; log "logs kept in $WORK"' EXIT

case " $STORES " in *" redis "*) ensure_pkg redis-server redis-server redis-cli redis-tools ;; esac
build_gateway
build_harness
case " $STORES " in *" redis "*) start_redis "$WORK" ;; esac

RUNS="$WORK/runs.jsonl"
: >"$RUNS"
for people in $SIZES; do
  start_simulator_host "$people" "$WORK"
  for store in $STORES; do
    extra=(POLL_INTERVAL_MS="$INTERVAL_MS")
    redis_opt=()
    if [ "$store" = redis ]; then
      redis-cli -p "$REDIS_PORT" flushall >/dev/null   # every run starts from an empty store
      extra+=(REDIS_URL="redis://127.0.0.1:$REDIS_PORT")
      redis_opt=(--redis "127.0.0.1:$REDIS_PORT" --gateway-jar "$GATEWAY_JAR")
    fi
    log "poll capacity: $people people, $store store, $CYCLES measured cycles"
    start_gateway "$WORK/gateway-$store-$people.log" "${extra[@]}"
    harness poll-run --gateway "$GW_URL" --simulator "$SIM_URL" --gateway-pid "$GW_PID" --simulator-pid "$SIM_PID" \
      --store "$store" --people "$people" --cycles "$CYCLES" --interval-ms "$INTERVAL_MS" --clk-tck "$(clock_ticks)" \
      "${redis_opt[@]}" --out "$RUNS"
    stop_pid "$GW_PID"
  done
  stop_pid "$SIM_PID"
done

harness poll-report --runs "$RUNS" --machine "$(machine_json)" --command "$COMMAND" --interval-ms "$INTERVAL_MS" \
  --out "$RESULTS_DIR/poll"
log "wrote $RESULTS_DIR/poll.json and poll.md"
