#!/usr/bin/env bash
# History and resume (protocol 1.1) on one broker, each figure beside its twin without history in
# the same run: ROUNDS interleaved rounds, one Markdown table per section (the resume and
# positioned sections end with the two runs' medians, their ratio and the spread of single rounds').
#
#   ./mvnw -B package -DskipTests && bench/history.sh                  # every section (~11 min)
#   ROUNDS=1 DURATION=5 bench/history.sh replay                        # one section, shorter
#
# Sections:
#   footprint   heap and direct memory per kept message, 1,000 and 100,000 kept (a room alone)
#   replay      100 members x 50 msg/s: their p99 while a member joins with a 1,000-line replay
#               every second, beside the same room without it
#   resume      100 members x 50 msg/s, positioned (--resume), dropping and resuming every 2 s
#               (--drop-every 2), beside the same room without drops
#   positioned  100 members all sending at max rate (window 64, 2 generator threads):
#               positioned (--resume) beside version 1
#   positioned-cpu  the same members at a fixed 800 msg/s each (7.9M deliveries/s): what each room
#               costs the broker at the same deliveries/s
# Environment: ROUNDS (3), DURATION (measured s, 10), WARMUP (s, 10), BROKER_OPTS (extra options),
# SIZE (positioned: message text bytes, 64).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

BROKER_JAR=broker/target/ringchat-broker.jar
CLIENT_JAR=client/target/ringchat-client.jar
BENCH_JAR=bench/target/benchmarks.jar
need_jars history "$BROKER_JAR" "$CLIENT_JAR" "$BENCH_JAR"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-10}
SIZE=${SIZE:-64}
SECTIONS=${*:-footprint replay resume positioned positioned-cpu}

work=$(mktemp -d)
broker_pid=""
joiner_pid=""
cleanup() {
  [ -n "$joiner_pid" ] && kill "$joiner_pid" 2>/dev/null || true
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# start_broker: a fresh broker (flood control off: every member comes from 127.0.0.1).
start_broker() {
  rm -f "$work/ready.json"
  # shellcheck disable=SC2046,SC2086
  java -jar "$BROKER_JAR" --bind 127.0.0.1 --port 0 --http-port 0 $(flood_control_off) \
    ${BROKER_OPTS:-} --ready-file "$work/ready.json" >"$work/broker.out" 2>&1 &
  broker_pid=$!
  broker_port=$(ready_port "$work/ready.json" "$work/broker.out")
}
stop_broker() {
  kill "$broker_pid" 2>/dev/null || true
  wait "$broker_pid" 2>/dev/null || true
  broker_pid=""
}

# load ARGS...: one generator run against the broker; prints its JSON report, and leaves the
# broker's CPU over the run (warm-up included, % of one core) in $work/cpu.
load() {
  rm -f "$work/run.json"
  local ticks0 start
  ticks0=$(cpu_ticks "$broker_pid")
  start=$(date +%s%N)
  java -jar "$CLIENT_JAR" load -p "$broker_port" --warmup "$WARMUP" --duration "$DURATION" \
    --json "$work/run.json" "$@" >"$work/load.out" 2>"$work/load.err" || true
  cpu_percent "$broker_pid" "$ticks0" "$(python3 -c "print(($(date +%s%N) - $start) / 1e9)")" >"$work/cpu"
  cat "$work/run.json" 2>/dev/null || echo '{}'
}

# row LABEL ROUND JSON: one table row of a load report (and, if it lost anything, the broker's and
# the generator's last lines on stderr, to look into).
row() {
  local j=$3
  if [ "$(json_field "$j" lost)" != 0 ]; then
    echo "history: $1, round $2 lost messages; the broker's and the generator's last lines:" >&2
    tail -n 5 "$work/broker.out" "$work/load.err" >&2 || true
    # Members the broker removed as slow consumers (a generator that fell behind) explain a loss.
    echo "history: the broker's slow-consumer removals and dead peers:" >&2
    curl -s "http://127.0.0.1:$(ready_field "$work/ready.json" http_port)/metrics" |
      grep -E '^ringchat_(slow_consumer_removals|dead_peers)_total ' >&2 || true
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" \
    "$(json_field "$j" delivered_per_sec)" "$(cat "$work/cpu")" "$(json_field "$j" latency_us.p50)" \
    "$(json_field "$j" latency_us.p99)" "$(json_field "$j" lost) / $(json_field "$j" dropped)" \
    "$(json_field "$j" resumed) / $(json_field "$j" gaps_reported) / $(json_field "$j" duplicated) / $(json_field "$j" skipped)"
}
header() {
  echo "| run | round | deliveries/s | broker CPU % | p50 µs | p99 µs | lost / dropped | resumed / gaps / duplicated / skipped |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
}

# twins LABEL_A LABEL_B "B_ARGS" ARGS...: ROUNDS interleaved rounds of two load runs on fresh
# brokers, both with ARGS, the second with B_ARGS (split on spaces) as well; one row each.
twins() {
  local a=$1 b=$2 b_args=$3 round label
  shift 3
  rm -f "$work"/twin-*
  for round in $(seq 1 "$ROUNDS"); do
    for label in "$a" "$b"; do
      start_broker
      local extra=() json
      # shellcheck disable=SC2206
      [ "$label" = "$b" ] && extra=($b_args)
      json=$(load "$@" "${extra[@]}")
      row "$label" "$round" "$json"
      local side
      side=$([ "$label" = "$a" ] && echo a || echo b)
      json_field "$json" delivered_per_sec >>"$work/twin-$side"
      cat "$work/cpu" >>"$work/twin-cpu-$side"
      stop_broker
    done
  done
  # The figure the rounds are for: the medians' ratio, and how far single rounds' ratios spread.
  echo
  python3 - "$a" "$b" "$work"/twin-{a,b,cpu-a,cpu-b} <<'PY'
import statistics, sys
a_name, b_name = sys.argv[1:3]
runs = [open(f).read().split() for f in sys.argv[3:7]]
rounds = [(float(x), float(y), float(cx), float(cy)) for x, y, cx, cy in zip(*runs)
          if "-" not in (x, y) and float(x) > 0]  # a failed run ("-") leaves its round out
if rounds:
    a, b, ca, cb = zip(*rounds)
    ma, mb = statistics.median(a), statistics.median(b)
    pairs = sorted(y / x for x, y, _, _ in rounds)
    print(f"Medians of {len(a)} rounds: {a_name} {ma:,.0f}, {b_name} {mb:,.0f} deliveries/s,"
          f" {100 * mb / ma:.1f}%; single rounds {100 * pairs[0]:.0f}% to {100 * pairs[-1]:.0f}%;"
          f" broker CPU {statistics.median(ca):.1f}% and {statistics.median(cb):.1f}% of a core.")
PY
}

if [[ " $SECTIONS " == *" footprint "* ]]; then
  echo "## Memory per kept message (64-byte messages)"
  echo
  java -Xmx2g -cp "$BENCH_JAR" io.ringchat.bench.history.HistoryFootprint 64 1000 100000 | sed 's/^/- /'
  echo
fi

if [[ " $SECTIONS " == *" replay "* ]]; then
  echo "## 100 members x 50 msg/s, with and without a 1,000-line replay every second"
  echo
  header
  for round in $(seq 1 "$ROUNDS"); do
    for with in without with; do
      start_broker
      if [ "$with" = with ]; then
        java -cp "$BENCH_JAR" io.ringchat.bench.history.ReplayJoiner 127.0.0.1 "$broker_port" 1000 1000 \
          >"$work/joiner.out" 2>&1 &
        joiner_pid=$!
      fi
      j=$(load --clients 100 --senders 100 --rate 50)
      replays=""
      if [ -n "$joiner_pid" ]; then
        kill "$joiner_pid" 2>/dev/null || true
        wait "$joiner_pid" 2>/dev/null || true
        joiner_pid=""
        replays=" ($(grep -c '1000 lines' "$work/joiner.out") replays of 1,000 lines)"
      fi
      row "$with replays$replays" "$round" "$j"
      stop_broker
    done
  done
  echo
fi

if [[ " $SECTIONS " == *" resume "* ]]; then
  echo "## 100 positioned members x 50 msg/s, dropping and resuming every 2 s or not"
  echo
  header
  twins "drops: none" "drops: every-2s" "--drop-every 2" --clients 100 --senders 100 --rate 50 --resume
  echo
fi

if [[ " $SECTIONS " == *" positioned "* ]]; then
  echo "## 100 members all sending at max rate: version 1 and positioned"
  echo
  header
  # Two generator threads: with one, the generator is the limit (100% of its core).
  twins version-1 positioned --resume --clients 100 --senders 100 --threads 2 --size "$SIZE"
  echo
fi

if [[ " $SECTIONS " == *" positioned-cpu "* ]]; then
  echo "## 100 members x 800 msg/s: version 1 and positioned at the same deliveries/s"
  echo
  header
  # At max rate the figure is whichever process runs out of the 2 cores first, and it swings by
  # 10 points between runs; at a fixed rate each room's cost is the broker's CPU column.
  twins version-1 positioned --resume --clients 100 --senders 100 --threads 2 --size "$SIZE" --rate 800
  echo
fi
