#!/usr/bin/env bash
# Runs every benchmark in bench/ one after the other (they would disturb each other's figures if run
# together on 2 cores), then writes docs/BENCHMARKS.md from their result fragments.
#   bash bench/run-all.sh            # the whole set, about 12-14 minutes on 2 cores
#   bash bench/run-all.sh webhooks   # only the named ones: fanout poll-capacity webhooks jmh
# Loopback only; every load is bounded in count and time; every process started is stopped.
. "$(dirname "$0")/lib/common.sh"

all=(fanout poll-capacity webhooks jmh)
chosen=("$@")
[ "${#chosen[@]}" -gt 0 ] || chosen=("${all[@]}")

ensure_pkg redis-server redis-server curl curl python3 python3
build_gateway

started=$SECONDS
failed=()
for name in "${chosen[@]}"; do
  script="$BENCH_DIR/$name.sh"
  [ -f "$script" ] || { log "no benchmark called $name (known: ${all[*]})"; exit 2; }
  log "== $name =="
  t0=$SECONDS
  if bash "$script"; then
    log "$name done in $((SECONDS - t0)) s"
  else
    log "$name FAILED after $((SECONDS - t0)) s"
    failed+=("$name")
  fi
done
log "all done in $((SECONDS - started)) s"

python3 "$BENCH_DIR/lib/report.py" "$RESULTS_DIR" "$TOP_DIR/docs/BENCHMARKS.md"
log "wrote docs/BENCHMARKS.md"
if [ "${#failed[@]}" -gt 0 ]; then
  log "failed: ${failed[*]}"
  exit 1
fi
