#!/usr/bin/env bash
# ringchat beside Redis 7 pub/sub, measured by the independent C harness (fanbench, from
# ../shared/tools/fanbench) in the same run: every shape against each broker in turn, ROUNDS
# interleaved rounds, then one Markdown table of medians and ratios.
#
#   ./mvnw -B package -DskipTests && bench/vs-redis.sh               # every shape, 3 rounds (~8 min)
#   ROUNDS=1 bench/vs-redis.sh fixed-100x50 idle                      # some shapes
#   VARIANTS="blocking=--wait-strategy+blocking" bench/vs-redis.sh   # more ringchat runs (+ is a space)
#
# Shapes (64-byte messages):
#   max-100       100 members, all sending, max rate (window 16; 4 harness threads, see below)
#   max-1000x10   1,000 members, 10 sending, max rate (window 16)
#   max-5000x5    5,000 members, 5 sending, max rate (window 16)
#   fixed-100x50  100 members each sending 50 msg/s (~495k deliveries/s)
#   fixed-100x10  100 members each sending 10 msg/s (~99k deliveries/s)
#   fixed-2x1000  2 members, one sending 1,000 msg/s
# Environment: ROUNDS (3), DURATION (s, 10), WARMUP (s, 10: long enough for the JIT), BROKER_JAR,
# BROKER_OPTS (extra broker options), VARIANTS (space-separated name=options, each another ringchat
# run per shape; -D and -X options go to the JVM), FANBENCH_DIR (default ../shared/tools/fanbench), KEEP (a folder for raw JSON),
# HARNESS_THREADS (the harness's event-loop threads, its -t, for every shape; default: 4 for max-100,
# 1 for the rest). Both brokers of a shape get the same harness. With 100 senders one harness thread
# is the limit (92% of a core while the machine is 145% busy: the figure is the harness's); its
# README says to add threads then, and with 4 the machine is ~190% busy. Where the broker is the one
# at its limit (1,000 and 5,000 members), more harness threads only take its CPU, so those keep 1.
# Needs redis-server (apt-get install redis-server), a C compiler, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-10}
BROKER_JAR=${BROKER_JAR:-broker/target/ringchat-broker.jar}
FANBENCH_DIR=${FANBENCH_DIR:-../shared/tools/fanbench}
SHAPES=${*:-max-100 max-1000x10 max-5000x5 fixed-100x50 fixed-2x1000}
PEERS="$FANBENCH_DIR/peers.sh"

[ -x "$PEERS" ] || [ -f "$PEERS" ] || { echo "vs-redis: $PEERS not found; set FANBENCH_DIR" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "vs-redis: redis-server missing (apt-get install redis-server)" >&2; exit 1; }
need_jars vs-redis "$BROKER_JAR"
BROKER_JAR=$(cd "$(dirname "$BROKER_JAR")" && pwd)/$(basename "$BROKER_JAR")

# The harness is built outside shared/ (which is read-only), once per source change.
FANBENCH_BIN=$(fanbench_bin "$FANBENCH_DIR")
export FANBENCH_BIN

out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$out"' EXIT

shape_args() {
  case "$1" in
  max-100) echo "-n 100 -s 100 -w 16" ;;
  max-1000x10) echo "-n 1000 -s 10 -w 16" ;;
  max-5000x5) echo "-n 5000 -s 5 -w 16" ;;
  fixed-100x50) echo "-n 100 -s 100 -r 50" ;;
  fixed-100x10) echo "-n 100 -s 100 -r 10" ;;
  fixed-2x1000) echo "-n 2 -s 1 -r 1000" ;;
  *) echo "vs-redis: unknown shape $1" >&2; exit 1 ;;
  esac
}

harness_threads() { # shape
  if [ -n "${HARNESS_THREADS:-}" ]; then echo "$HARNESS_THREADS"; elif [ "$1" = max-100 ]; then echo 4; else echo 1; fi
}

# variants: name=broker options; "ringchat" is the defaults (plus BROKER_OPTS)
variants=("ringchat=${BROKER_OPTS:-}")
for v in ${VARIANTS:-}; do variants+=("${v//+/ }"); done

run_peer() { # shape round protos label [broker options]
  local shape=$1 round=$2 protos=$3 label=$4 opts=${5:-}
  local jvm="" broker="" o
  for o in $opts; do # -D and -X options are the JVM's, the rest the broker's
    case "$o" in -D* | -X*) jvm+=" $o" ;; *) broker+=" $o" ;; esac
  done
  local cmd="java$jvm -jar $BROKER_JAR --bind 127.0.0.1 --port {port} --http-port 0 --max-clients 20000 $(flood_control_off)$broker"
  # shellcheck disable=SC2046
  bash "$PEERS" $(shape_args "$shape") -d "$DURATION" --warmup "$WARMUP" --protos "$protos" \
    --ringchat-cmd "$cmd" -- --json -t "$(harness_threads "$shape")" 2>"$out/$shape.$round.$label.err" |
    grep '^{' | sed "s/^{/{\"shape\":\"$shape\",\"round\":$round,\"who\":\"$label\",/" >>"$out/all.jsonl" || true
}

echo "# ringchat vs Redis pub/sub, fanbench, $(date -u +%Y-%m-%d), $(nproc) cores," \
  "$(java -version 2>&1 | head -1), $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/redis \1/p')," \
  "warm-up ${WARMUP}s, ${DURATION}s measured, $ROUNDS round(s), harness threads ${HARNESS_THREADS:-4 for max-100, 1 for the rest}" >&2
for round in $(seq 1 "$ROUNDS"); do
  for shape in $SHAPES; do
    echo "round $round: $shape" >&2
    run_peer "$shape" "$round" redis redis
    for v in "${variants[@]}"; do
      run_peer "$shape" "$round" ringchat "${v%%=*}" "${v#*=}"
    done
  done
done

python3 - "$out/all.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
shapes = list(dict.fromkeys(r["shape"] for r in rows))
who = list(dict.fromkeys(r["who"] for r in rows))
def med(xs): return statistics.median(xs) if xs else float("nan")
print("| shape | broker | deliveries/s (each round) | median | × Redis | p50 ms | p99 ms | p99.9 ms | broker CPU % | harness threads, CPU % | machine % | missing/gaps/ooo |")
print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for s in shapes:
    base = med([r["delivered_per_s"] for r in rows if r["shape"] == s and r["who"] == "redis"])
    for w in who:
        rs = [r for r in rows if r["shape"] == s and r["who"] == w]
        if not rs:
            continue
        d = [r["delivered_per_s"] for r in rs]
        bad = sum(r["missing"] for r in rs), sum(r["gaps"] for r in rs), sum(r["out_of_order"] for r in rs)
        ratio = med(d) / base if base == base and base > 0 else float("nan")
        print(f"| {s} | {w} | {', '.join(f'{x/1e6:.2f}M' for x in d)} | {med(d)/1e6:.2f}M | {ratio:.2f} |"
              f" {med([r['lat_us']['p50'] for r in rs])/1e3:.2f} | {med([r['lat_us']['p99'] for r in rs])/1e3:.2f} |"
              f" {med([r['lat_us']['p999'] for r in rs])/1e3:.2f} | {med([r.get('broker_cpu_pct', 0) for r in rs]):.0f} |"
              f" {rs[0]['threads']}, {med([r['harness_cpu_pct'] for r in rs]):.0f} | {med([r['machine_busy_pct'] for r in rs]):.0f} |"
              f" {bad[0]}/{bad[1]}/{bad[2]} |")
PY
