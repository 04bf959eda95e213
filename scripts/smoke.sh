#!/usr/bin/env bash
# Smoke test, run by CI and by hand: start the broker jar, have one client listen, send one
# message with the client jar's one-shot mode, and check it arrived. Needs the jars built
# (./mvnw -B package -DskipTests). Exits non-zero on any failure; cleans up what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

BROKER_JAR=broker/target/ringchat-broker.jar
CLIENT_JAR=client/target/ringchat-client.jar
need_jars smoke "$BROKER_JAR" "$CLIENT_JAR"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

java -jar "$BROKER_JAR" --bind 127.0.0.1 --port 0 --http-port 0 --ready-file "$work/ready.json" \
  >"$work/broker.out" 2>&1 &
pids+=($!)
port=$(ready_port "$work/ready.json" "$work/broker.out")
echo "smoke: broker on port $port"

# The listener reads commands from a FIFO kept open, so it stays in the room until told to leave.
mkfifo "$work/listener.in"
java -jar "$CLIENT_JAR" --host 127.0.0.1 --port "$port" --username listener \
  <"$work/listener.in" >"$work/listener.out" 2>&1 &
pids+=($!)
exec 3>"$work/listener.in"

message="smoke test $(date +%s)"
for _ in $(seq 1 100); do
  # Retry until the listener has joined: the sender's message only reaches present members.
  if java -jar "$CLIENT_JAR" --host 127.0.0.1 --port "$port" --username sender --send "$message"; then
    if grep -q "sender: $message" "$work/listener.out" 2>/dev/null; then
      echo "smoke: delivered: sender: $message"
      echo leave >&3
      exec 3>&-
      exit 0
    fi
  fi
  sleep 0.2
done
echo "smoke: message not delivered; listener saw:" >&2
cat "$work/listener.out" >&2
exit 1
