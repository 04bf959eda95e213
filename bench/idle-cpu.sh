#!/usr/bin/env bash
# CPU of an idle broker, per thread, from /proc/<pid>/task/*/schedstat (bench/thread-cpu.py): 10 s with
# no connection, then 10 s with 100 joined members that say nothing (the load generator with no
# senders). Prints one table per phase, in % of one core.
#
#   ./mvnw -B package -DskipTests && bench/idle-cpu.sh
#   BROKER_OPTS='--wait-strategy sleeping' bench/idle-cpu.sh     # another configuration
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
BROKER_JAR=${BROKER_JAR:-broker/target/ringchat-broker.jar}
CLIENT_JAR=client/target/ringchat-client.jar
need_jars idle-cpu "$BROKER_JAR" "$CLIENT_JAR"
SECONDS_EACH=${SECONDS_EACH:-10}
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

# shellcheck disable=SC2086
java -jar "$BROKER_JAR" --bind 127.0.0.1 --port 0 --http-port 0 --ready-file "$work/ready.json" $(flood_control_off) \
  ${BROKER_OPTS:-} >"$work/broker.out" 2>&1 &
broker=$!
pids+=("$broker")
port=$(ready_port "$work/ready.json" "$work/broker.out")
sleep 3 # let start-up compilation settle

echo "## Idle broker, no connections, ${SECONDS_EACH} s"
bench/thread-cpu.py "$broker" "$SECONDS_EACH"
echo
java -jar "$CLIENT_JAR" load --port "$port" --clients 100 --senders 0 --warmup 0 \
  --duration $((SECONDS_EACH + 30)) >"$work/load.out" 2>&1 &
pids+=("$!")
sleep 5 # joined, and the JOINED lines sent
echo "## Idle broker, 100 joined members saying nothing, ${SECONDS_EACH} s"
bench/thread-cpu.py "$broker" "$SECONDS_EACH"
