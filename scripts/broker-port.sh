# Sourced by the scripts that start a broker jar with --port 0: reads the port it chose.
#
# broker_port LOG: waits up to 10 s for the broker's "listening on HOST:PORT" line in LOG and
# prints PORT; prints the log to stderr and returns 1 if the line never came.
broker_port() {
  local log=$1 port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*listening on [^:]*:\([0-9]*\) .*/\1/p' "$log")
    [ -n "$port" ] && { echo "$port"; return 0; }
    sleep 0.1
  done
  echo "broker did not start:" >&2
  cat "$log" >&2
  return 1
}
