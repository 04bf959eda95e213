#!/usr/bin/env bash
# End-to-end benchmark: starts the broker jar, drives it with the client jar's load generator,
# and prints Markdown tables: throughput over (10, 100, 1,000 clients) x (all send / 10 send) at
# max rate with 64-byte messages, latency at fixed rates, and broker heap / RSS per idle
# connection on each JDK given. Broker and generator share this machine's cores.
#
# When redis-server is installed, every throughput and latency shape also runs against Redis
# pub/sub in the same run, measured by the same generator (load --target redis), with the ratio.
#
#   ./mvnw -B package -DskipTests && bench/e2e.sh            # everything (about 10 minutes)
#   DURATION=3 bench/e2e.sh throughput                        # one section, shorter runs
#
# Sections: throughput latency calibrate memory websocket (default: all five; calibrate measures the
# same broker at 1,000 msg/s from one sender with this generator and with the independent C harness
# (../shared/tools/fanbench, FANBENCH_DIR), ROUNDS times, so that the generator's latency can be
# checked against a tool that is not Java; websocket measures the same broker over its WebSocket
# beside TCP, interleaved, ROUNDS times, and idle memory per member). Environment: DURATION (s, default 5),
# WARMUP (s, default 5), RATE_WARMUP (s, default 10: the warm-up of the fixed-rate runs, latency and
# calibrate, in which the generator also compiles its own rate path), JDKS (java homes for the memory section, default: the java on PATH and
# /usr/lib/jvm/temurin-25-jdk-amd64 if present), MAX_IDLE (default 19000), ROUNDS and WS_IDLE
# (websocket section: default 2 rounds, 5000 idle members), BROKER_OPTS, REDIS
# (0 to leave Redis out), BROKER_JAR (another broker build, e.g. the code before a change, driven
# by this build's generator).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

BROKER_JAR=${BROKER_JAR:-broker/target/ringchat-broker.jar}
CLIENT_JAR=client/target/ringchat-client.jar
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-5}
RATE_WARMUP=${RATE_WARMUP:-10}
MAX_IDLE=${MAX_IDLE:-19000}
SECTIONS=${*:-throughput latency calibrate memory websocket}
need_jars e2e "$BROKER_JAR" "$CLIENT_JAR"

work=$(mktemp -d)
broker_pid=""
redis_pid=""
stop_broker() {
  if [ -n "$broker_pid" ]; then
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=""
  fi
}
stop_redis() {
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
    redis_pid=""
  fi
}
trap 'stop_broker; stop_redis; rm -rf "$work"' EXIT

# Redis pub/sub beside the broker, if installed: no persistence, loopback only, a free port.
redis_port=""
if [ "${REDIS:-1}" != 0 ] && command -v redis-server >/dev/null; then
  redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --protected-mode no --maxclients 50000 --logfile "$work/redis.log" >/dev/null 2>&1 &
  redis_pid=$!
  for _ in $(seq 1 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
fi

# start_broker JAVA [extra JVM options...]: sets broker_pid and port.
start_broker() {
  local java=$1
  shift
  rm -f "$work/ready.json" # a killed broker leaves its file behind
  "$java" "$@" -jar "$BROKER_JAR" --bind 127.0.0.1 --port 0 --http-port 0 --max-clients 25000 \
    $(flood_control_off) --stats-interval 1s --ready-file "$work/ready.json" ${BROKER_OPTS:-} >"$work/broker.out" 2>&1 &
  broker_pid=$!
  port=$(ready_port "$work/ready.json" "$work/broker.out")
  http_port=$(ready_field "$work/ready.json" http_port)
}

# load ARGS...: one generator run against the broker; prints its JSON report.
load() {
  rm -f "$work/run.json"
  java -jar "$CLIENT_JAR" load --host 127.0.0.1 --port "$port" --warmup "$WARMUP" \
    --duration "$DURATION" --json "$work/run.json" "$@" >/dev/null 2>"$work/load.err" || true
  cat "$work/run.json" 2>/dev/null || echo '{}'
}

# load_ws ARGS...: the same run against the same broker's WebSocket (/ws on its HTTP port).
load_ws() {
  rm -f "$work/ws.json"
  java -jar "$CLIENT_JAR" load --target websocket --host 127.0.0.1 --port "$http_port" \
    --warmup "$WARMUP" --duration "$DURATION" --json "$work/ws.json" "$@" >/dev/null \
    2>"$work/load-ws.err" || true
  cat "$work/ws.json" 2>/dev/null || echo '{}'
}

# load_redis ARGS...: the same run against Redis pub/sub; prints its JSON report, or {} if none.
load_redis() {
  [ -n "$redis_port" ] || { echo '{}'; return; }
  rm -f "$work/redis.json"
  java -jar "$CLIENT_JAR" load --target redis --host 127.0.0.1 --port "$redis_port" \
    --warmup "$WARMUP" --duration "$DURATION" --json "$work/redis.json" "$@" >/dev/null \
    2>"$work/load-redis.err" || true
  cat "$work/redis.json" 2>/dev/null || echo '{}'
}

ms() { # microseconds -> milliseconds with two decimals, or -
  case "$1" in -) echo - ;; *) python3 -c "print(f'{$1/1000:.2f}')" ;; esac
}
ratio() { # a b -> a/b with two decimals, or -
  python3 -c "import sys; a,b=sys.argv[1:]; print('-' if '-' in (a,b) or float(b)==0 else f'{float(a)/float(b):.2f}')" "$1" "$2"
}
num() { # number -> rounded with thousands separators, or -
  case "$1" in -) echo - ;; *) python3 -c "print(f'{round(float(\"$1\")):,}')" ;; esac
}

echo "# ringchat end-to-end, $(date -u +%Y-%m-%d), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo

best=0
if [[ " $SECTIONS " == *" throughput "* ]]; then
  start_broker java
  echo "## Throughput, 64-byte messages, max rate${redis_port:+, beside Redis pub/sub}"
  echo
  echo "| clients | senders | window | deliveries/s | lost | out of order | p99 ms | generator CPU | Redis deliveries/s | × Redis |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  # clients:senders:window. With every one of 1,000 members sending, a window of 64 would keep
  # about 6 MB in flight per member, past the broker's 4 MiB --max-pending: it would (rightly)
  # remove the generator's members as slow consumers, so that run uses a window of 4.
  for run in 10:10:64 100:100:64 100:10:64 1000:1000:4 1000:10:64; do
    IFS=: read -r clients senders window <<<"$run"
    args=(--clients "$clients" --senders "$senders" --window "$window" --size 64)
    r=$(load "${args[@]}")
    x=$(load_redis "${args[@]}")
    d=$(json_field "$r" delivered_per_sec)
    xd=$(json_field "$x" delivered_per_sec)
    printf '| %s | %s | %s | %s | %s | %s | %s | %s%% | %s | %s |\n' "$clients" "$senders" "$window" \
      "$(num "$d")" "$(json_field "$r" lost)" "$(json_field "$r" out_of_order)" \
      "$(ms "$(json_field "$r" latency_us.p99)")" "$(json_field "$r" generator_cpu_pct)" "$(num "$xd")" \
      "$(ratio "$d" "$xd")"
    if [ "$clients" = 100 ] && [ "$senders" = 100 ] && [ "$d" != - ]; then best=${d%.*}; fi
  done
  echo
  stop_broker
fi

if [[ " $SECTIONS " == *" latency "* ]]; then
  start_broker java
  echo "## Latency at fixed rates${redis_port:+, beside Redis pub/sub}"
  echo
  echo "Senders spread evenly over each period; latency from each message's send time; send lag: how late"
  echo "the generator sent against its schedule (the generator's own delay, not in the latency)."
  echo
  echo "| clients | senders | msg/s per sender | deliveries/s | lost | p50 ms | p99 ms | p99.9 ms | max ms | send lag p99 ms | generator CPU | Redis p50 ms | Redis p99 ms | Redis p99.9 ms | p99 × Redis |"
  echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  # A fresh broker's hot paths are still interpreted: a few seconds at max rate first, thrown
  # away, so that the rows below measure the compiled broker (and the same for Redis's client).
  load --clients 100 --senders 100 --window 64 --size 64 --prefix jit- >/dev/null
  runs="2:1:1000 100:100:10 100:100:50"
  if [ "$best" -gt 0 ]; then
    runs="$runs 100:100:$(python3 -c "print(round($best / 2 / 9900, 1))")" # half the best rate
  fi
  for run in $runs; do
    IFS=: read -r clients senders rate <<<"$run"
    args=(--clients "$clients" --senders "$senders" --rate "$rate" --size 64)
    r=$(WARMUP=$RATE_WARMUP load "${args[@]}")
    x=$(WARMUP=$RATE_WARMUP load_redis "${args[@]}")
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s%% | %s | %s | %s | %s |\n' \
      "$clients" "$senders" "$rate" "$(num "$(json_field "$r" delivered_per_sec)")" "$(json_field "$r" lost)" \
      "$(ms "$(json_field "$r" latency_us.p50)")" "$(ms "$(json_field "$r" latency_us.p99)")" \
      "$(ms "$(json_field "$r" latency_us.p999)")" "$(ms "$(json_field "$r" latency_us.max)")" \
      "$(ms "$(json_field "$r" send_lag_us.p99)")" \
      "$(json_field "$r" generator_cpu_pct)" "$(ms "$(json_field "$x" latency_us.p50)")" \
      "$(ms "$(json_field "$x" latency_us.p99)")" "$(ms "$(json_field "$x" latency_us.p999)")" \
      "$(ratio "$(json_field "$r" latency_us.p99)" "$(json_field "$x" latency_us.p99)")"
  done
  echo
  stop_broker
fi

if [[ " $SECTIONS " == *" calibrate "* ]]; then
  FANBENCH_DIR=${FANBENCH_DIR:-../shared/tools/fanbench}
  echo "## This generator beside the C harness: 2 members, one sending 1,000 msg/s, one broker"
  echo
  if [ ! -f "$FANBENCH_DIR/fanbench.c" ] || ! harness=$(fanbench_bin "$FANBENCH_DIR"); then
    echo "(skipped: no C harness at $FANBENCH_DIR, or no C compiler; set FANBENCH_DIR)"
  else
    start_broker java
    echo "| round | harness p50 ms | harness p99 ms | harness p99.9 ms | generator p50 ms | generator p99 ms | generator p99.9 ms | p99 difference ms | generator send lag p99 ms |"
    echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    load --clients 100 --senders 100 --window 64 --size 64 --prefix jit- >/dev/null
    for round in $(seq 1 "${ROUNDS:-2}"); do
      h=$("$harness" --proto ringchat --port "$port" -n 2 -s 1 -r 1000 -p 64 -d "$DURATION" \
        --warmup "$RATE_WARMUP" --prefix "cal$round-" --json 2>/dev/null | grep '^{' || echo '{}')
      g=$(WARMUP=$RATE_WARMUP load --clients 2 --senders 1 --rate 1000 --size 64 --prefix "gen$round-")
      printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$round" \
        "$(ms "$(json_field "$h" lat_us.p50)")" "$(ms "$(json_field "$h" lat_us.p99)")" \
        "$(ms "$(json_field "$h" lat_us.p999)")" "$(ms "$(json_field "$g" latency_us.p50)")" \
        "$(ms "$(json_field "$g" latency_us.p99)")" "$(ms "$(json_field "$g" latency_us.p999)")" \
        "$(python3 -c "import sys; a,b=sys.argv[1:]; print('-' if '-' in (a,b) else f'{(float(a)-float(b))/1000:+.2f}')" \
          "$(json_field "$g" latency_us.p99)" "$(json_field "$h" lat_us.p99)")" \
        "$(ms "$(json_field "$g" send_lag_us.p99)")"
    done
    stop_broker
  fi
  echo
fi

# heap_used_kib PID: heap in use right after a full GC.
heap_used_kib() {
  local java_home=$1 pid=$2
  "$java_home/bin/jcmd" "$pid" GC.run >/dev/null
  "$java_home/bin/jcmd" "$pid" GC.heap_info | grep -m1 'heap' | sed -n 's/.*used \([0-9]*\)K.*/\1/p'
}
members_now() { grep '^stats ' "$work/broker.out" | tail -1 | sed -n 's/.* members=\([0-9]*\) .*/\1/p'; }

# idle_cost JAVA_HOME N TRANSPORT [JVM options...]: a fresh broker, N idle members joined over
# TRANSPORT (tcp or websocket); prints heap and RSS per member in bytes, then the heap and RSS
# totals in KiB (or "- <joined>" if not all joined).
idle_cost() {
  local jdk=$1 n=$2 transport=$3 h0 r0 h1 r1 gen target
  shift 3
  start_broker "$jdk/bin/java" "$@"
  sleep 2
  h0=$(heap_used_kib "$jdk" "$broker_pid"); r0=$(rss_kib "$broker_pid")
  target=(--port "$port")
  [ "$transport" = websocket ] && target=(--target websocket --port "$http_port")
  java -jar "$CLIENT_JAR" load --host 127.0.0.1 "${target[@]}" --clients "$n" --senders 0 \
    --warmup 0 --duration 3600 --source-addresses 8 >"$work/idle.out" 2>&1 &
  gen=$!
  for _ in $(seq 1 600); do
    [ "$(members_now)" = "$n" ] && break
    sleep 0.5
  done
  if [ "$(members_now)" != "$n" ]; then
    echo "- $(members_now)"
  else
    h1=$(heap_used_kib "$jdk" "$broker_pid"); r1=$(rss_kib "$broker_pid")
    echo "$(( (h1 - h0) * 1024 / n )) $(( (r1 - r0) * 1024 / n )) $h1 $r1"
  fi
  kill "$gen" 2>/dev/null || true
  wait "$gen" 2>/dev/null || true
  stop_broker
}

if [[ " $SECTIONS " == *" memory "* ]]; then
  JDKS=${JDKS:-"$(dirname "$(dirname "$(readlink -f "$(command -v java)")")") /usr/lib/jvm/temurin-25-jdk-amd64"}
  echo "## Memory per idle joined connection (broker heap after GC, and RSS)"
  echo
  echo "| JDK | JVM options | connections | heap/conn (bytes) | RSS/conn (bytes) | heap total (MiB) | RSS total (MiB) |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
  for jdk in $JDKS; do
    [ -x "$jdk/bin/java" ] || continue
    version=$("$jdk/bin/java" -version 2>&1 | head -1 | sed 's/.*version "\([^"]*\)".*/\1/')
    opts=""
    case "$version" in 2[4-9]*|[3-9]*) opts="-XX:+UseCompactObjectHeaders" ;; esac
    for n in 1000 10000 "$MAX_IDLE"; do
      # shellcheck disable=SC2086
      read -r h r h1 r1 <<<"$(idle_cost "$jdk" "$n" tcp $opts)"
      if [ "$h" = - ]; then
        echo "| $version | $opts | $n | (only $r joined) | | | |"
      else
        printf '| %s | %s | %s | %d | %d | %.1f | %.1f |\n' "$version" "${opts:--}" "$n" "$h" "$r" \
          "$(python3 -c "print($h1/1024)")" "$(python3 -c "print($r1/1024)")"
      fi
    done
  done
  echo
fi

if [[ " $SECTIONS " == *" websocket "* ]]; then
  ROUNDS=${ROUNDS:-2}
  start_broker java
  echo "## WebSocket beside TCP: one broker, the same generator, runs interleaved"
  echo
  echo "Broker CPU: the broker process over the whole run, warm-up included (% of one core)."
  echo
  echo "| clients | senders | window or msg/s | transport | round | deliveries/s | lost | out of order | p50 ms | p99 ms | broker CPU | generator CPU |"
  echo "| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  load --clients 100 --senders 100 --window 64 --size 64 --prefix jit- >/dev/null
  load_ws --clients 100 --senders 100 --window 64 --size 64 --prefix jitw- >/dev/null
  for run in 100:100:w64 1000:10:w64 100:100:r10; do
    IFS=: read -r clients senders mode <<<"$run"
    args=(--clients "$clients" --senders "$senders" --size 64)
    case "$mode" in w*) args+=(--window "${mode#w}") ;; r*) args+=(--rate "${mode#r}") ;; esac
    for round in $(seq 1 "$ROUNDS"); do
      for transport in tcp websocket; do
        c0=$(cpu_ticks "$broker_pid"); t0=$(date +%s.%N)
        if [ "$transport" = tcp ]; then r=$(load "${args[@]}"); else r=$(load_ws "${args[@]}"); fi
        cpu=$(python3 -c "import os,sys; c0,c1,t0,t1=map(float,sys.argv[1:]); print(round(100*(c1-c0)/os.sysconf('SC_CLK_TCK')/(t1-t0)))" \
          "$c0" "$(cpu_ticks "$broker_pid")" "$t0" "$(date +%s.%N)")
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s%% | %s%% |\n' "$clients" \
          "$senders" "${mode:1}" "$transport" "$round" "$(num "$(json_field "$r" delivered_per_sec)")" \
          "$(json_field "$r" lost)" "$(json_field "$r" out_of_order)" "$(ms "$(json_field "$r" latency_us.p50)")" \
          "$(ms "$(json_field "$r" latency_us.p99)")" "$cpu" "$(json_field "$r" generator_cpu_pct)"
      done
    done
  done
  echo
  stop_broker

  n=${WS_IDLE:-5000}
  jdk=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
  echo "## Memory per idle joined member, TCP vs WebSocket ($n members, broker heap after GC)"
  echo
  echo "| transport | members | heap/member (bytes) | RSS/member (bytes) |"
  echo "| --- | ---: | ---: | ---: |"
  for transport in tcp websocket; do
    read -r h r _ <<<"$(idle_cost "$jdk" "$n" "$transport")"
    if [ "$h" = - ]; then
      echo "| $transport | $n | (only $r joined) | |"
    else
      printf '| %s | %s | %d | %d |\n' "$transport" "$n" "$h" "$r"
    fi
  done
  echo
fi
