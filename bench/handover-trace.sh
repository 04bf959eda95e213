#!/usr/bin/env bash
# Where a SIGTERM handover's time goes: three fresh members on loopback; ROUNDS times the leader
# is stopped with SIGTERM, and each member's role and election state is printed as it changes
# (bench/MemberStates.java, every 2 ms) beside the moment of the SIGTERM and the moment this
# script's loop found a new leader's ready file (up to 200 ms after the member's role counter
# above says leader: the loop's sed processes wait for the CPU; bench/cluster.sh times handovers
# by when the file was written, bench/ready-watch.py); the stopped member comes back, and the next round waits until all
# three are settled. A stopping member shows "- -" once its consensus module closed (its log's
# end goes out after that, on the driver's next heartbeat of the log), the followers "INIT" once
# that end reached them. Not a benchmark (the 2-ms watcher costs CPU): `bench/cluster.sh
# handover` times handovers.
#
#   ./mvnw -B package -DskipTests && ROUNDS=3 bench/handover-trace.sh
#
# Environment: ROUNDS (default 3), BROKER_JAR (default broker/target/ringchat-broker.jar),
# MEMBER_JAVA_OPTS (as bench/cluster.sh's).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

BROKER_JAR=${BROKER_JAR:-broker/target/ringchat-broker.jar}
ROUNDS=${ROUNDS:-3}
need_jars handover-trace "$BROKER_JAR"

work=$(mktemp -d)
declare -a pid
cleanup() {
  for p in "${pid[@]:-}"; do
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

members=$(loopback_members)
start_member() {
  local i=$1
  rm -f "$work/ready-$i.json" # a stopped member leaves none, a killed one would
  run_member "$BROKER_JAR" "$work" "$members" "$i" >>"$work/b$i.out" 2>&1 &
  pid[$i]=$!
}
# mark TEXT: a line in the same clock and format as MemberStates' (a file of its own: MemberStates
# writes its file from its own offset).
mark() { echo "$(date +%H:%M:%S.%N | cut -c1-15) ---- $*" >>"$work/marks.txt"; }
leader() { ready_leader "$work" "${pid[0]}" "${pid[1]}" "${pid[2]}"; }
settled() { for i in 0 1 2; do until ready_healthy "$work/ready-$i.json"; do sleep 0.05; done; done; }

for i in 0 1 2; do start_member "$i"; done
STATES_EVERY_MS=2 java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp "$BROKER_JAR" \
  bench/MemberStates.java "$work/node-0" "$work/node-1" "$work/node-2" >"$work/states.txt" 2>&1 &
pid[3]=$!
for i in 0 1 2; do ready_port "$work/ready-$i.json" "$work/b$i.out" >/dev/null; done
settled

echo "# Where a SIGTERM handover's time goes, $(date -u +%Y-%m-%d), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo
for round in $(seq 1 "$ROUNDS"); do
  sleep 2 # the members' threads back to their idle sleeps, as in a room that was quiet
  l=$(leader)
  : >"$work/marks.txt"
  from=$(($(wc -l <"$work/states.txt") + 1))
  mark "SIGTERM to member $l (the leader)"
  t0=$(date +%s%N)
  kill -TERM "${pid[$l]}"
  until next=$(leader) && [ -n "$next" ] && [ "$next" != "$l" ]; do sleep 0.005; done
  t1=$(date +%s%N)
  mark "this loop found member $next's ready file saying leader: $(((t1 - t0) / 1000000)) ms after the SIGTERM"
  while kill -0 "${pid[$l]}" 2>/dev/null; do sleep 0.05; done
  echo "## Round $round"
  echo
  tail -n +"$from" "$work/states.txt" | sort - "$work/marks.txt" | sed 's/^/    /'
  echo
  start_member "$l"
  ready_port "$work/ready-$l.json" "$work/b$l.out" >/dev/null
  settled
done
