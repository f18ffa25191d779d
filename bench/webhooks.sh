#!/usr/bin/env bash
# Webhook throughput (issue 9, item 5): 100 subscriptions made through /v1/subscriptions, all pointing
# at a counting receiver in the harness (127.0.0.1, verifies every Standard Webhooks signature).
# Per store (memory, Redis): deliveries per second to a receiver that accepts everything; the same
# with the receiver failing 20 % of requests (loss, duplicates, time to drain); and the local HTTP
# ceiling measured in the same run (the harness POSTing the same body size straight to the same
# receiver), with the gateway's rate as a ratio to it; gateway CPU from /proc per 1,000 deliveries.
#
# The simulator runs in a process of its own and the gateway under test polls it (SOURCE=webex), so
# the CPU read from /proc is the gateway's alone. Loopback only (WEBHOOK_ALLOW_PRIVATE_TARGETS=true
# lets the gateway deliver to 127.0.0.1); a short retry schedule keeps the failing phase short.
#
# Settings: WEBHOOKS_STORES (default "memory redis"), WEBHOOKS_SUBSCRIPTIONS (100), WEBHOOKS_EVENTS
# (200 changes per phase, so 20,000 deliveries). Writes bench/results/webhooks.json and webhooks.md.
# Bounded: every phase stops at its deadline (30 s); about 1.5 minutes on 2 cores.
. "$(dirname "$0")/lib/common.sh"
. "$BENCH_DIR/harness/bench-lib.sh"

STORES="${WEBHOOKS_STORES:-memory redis}"
SUBSCRIPTIONS="${WEBHOOKS_SUBSCRIPTIONS:-100}"
EVENTS="${WEBHOOKS_EVENTS:-200}"
# 1 s between attempts (plus up to 20 % jitter): a failed delivery is tried again within the run;
# six retries, more than the receiver ever fails one event in a row (4), so no dead letters
RETRY_SCHEDULE="1s,1s,1s,1s,1s,1s"
POLL_INTERVAL_MS=1000
# people in the simulator: the warm-up burst and two phases each change people nobody changed before,
# and about one in twelve shares no status (the simulator's default), hence the margin
PEOPLE=$(( (EVENTS * 2 + EVENTS / 10) * 6 / 5 + 50 ))
COMMAND="bench/webhooks.sh${WEBHOOKS_STORES:+ WEBHOOKS_STORES=\"$STORES\"}${WEBHOOKS_SUBSCRIPTIONS:+ WEBHOOKS_SUBSCRIPTIONS=$SUBSCRIPTIONS}${WEBHOOKS_EVENTS:+ WEBHOOKS_EVENTS=$EVENTS}"

bench_start webhooks "$STORES"   # WORK, cleanup of every process on EXIT, jars, Redis when asked for
start_simulator_host "$PEOPLE" "$WORK"

RUNS="$WORK/runs.jsonl"
: >"$RUNS"
for store in $STORES; do
  extra=(POLL_INTERVAL_MS="$POLL_INTERVAL_MS" WEBHOOK_ALLOW_PRIVATE_TARGETS=true WEBHOOK_RETRY_SCHEDULE="$RETRY_SCHEDULE")
  redis_opt=()
  if [ "$store" = redis ]; then
    redis-cli -p "$REDIS_PORT" flushall >/dev/null   # every run starts from an empty store
    extra+=(REDIS_URL="redis://127.0.0.1:$REDIS_PORT")
    redis_opt=(--redis-pid "$REDIS_PID")   # Redis's CPU is part of the durable mode's cost
  fi
  log "webhooks: $store store, $SUBSCRIPTIONS subscriptions, $EVENTS events per phase"
  start_gateway "$WORK/gateway-$store.log" "${extra[@]}"
  harness webhooks-run --gateway "$GW_URL" --simulator "$SIM_URL" --gateway-pid "$GW_PID" --clk-tck "$(clock_ticks)" \
    --store "$store" --subscriptions "$SUBSCRIPTIONS" --events "$EVENTS" --retry-schedule "$RETRY_SCHEDULE" \
    --phase-deadline-s 30 "${redis_opt[@]}" --out "$RUNS"
  stop_pid "$GW_PID"
done

harness webhooks-report --runs "$RUNS" --machine "$(machine_json)" --command "$COMMAND" \
  --notes "$HARNESS_DIR/webhooks-notes.md" --out "$RESULTS_DIR/webhooks"
log "wrote $RESULTS_DIR/webhooks.json and webhooks.md"
