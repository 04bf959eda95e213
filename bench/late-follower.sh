#!/usr/bin/env bash
# A follower that comes late to its first election's log, measured: three fresh members on
# loopback; the moment one wins the ballot (its role counter, bench/MemberStates.java), one of the
# others is paused (SIGSTOP) for PAUSE ms, so that the leader goes on without it; then how long
# until that member's broker serves again (/healthz 200) and until all three do, and whether the
# paused member started its election again. A member that came too late to the log starts its election
# again and first waits for the driver to close its old log socket (docs/BENCHMARKS.md, "A member
# that starts its election again"); a pause that ends before the leader moved on does not.
#
#   ./mvnw -B package -DskipTests && ROUNDS=5 bench/late-follower.sh
#
# Environment: ROUNDS (fresh clusters, default 5), PAUSE (ms, default 1500), BROKER_JAR (default
# broker/target/ringchat-broker.jar), MEMBER_JAVA_OPTS (as bench/cluster.sh's).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

BROKER_JAR=${BROKER_JAR:-broker/target/ringchat-broker.jar}
ROUNDS=${ROUNDS:-5}
PAUSE=${PAUSE:-1500}
need_jars late-follower "$BROKER_JAR"

work=$(mktemp -d)
declare -a pid
cleanup() {
  for p in "${pid[@]:-}"; do
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true # a paused member dies of SIGKILL too
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
healthy() { ready_healthy "$work/ready-$1.json"; }
# leader: the first member whose role counter said LEADER (states.txt, from MemberStates), if any.
leader() { sed -n 's/.* member \([0-9]\) LEADER .*/\1/p' "$work/states.txt" | head -1; }

echo "# A follower late to its first election's log, $(date -u +%Y-%m-%d), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo
echo "Paused ${PAUSE} ms as soon as a leader exists; times from the end of the pause."
echo
echo "| round | paused member back (/healthz 200) | all three back | paused member's election began again |"
echo "| ---: | ---: | ---: | --- |"
for round in $(seq 1 "$ROUNDS"); do
  rm -rf "$work"/*
  members=$(loopback_members)
  for i in 0 1 2; do
    run_member "$BROKER_JAR" "$work" "$members" "$i" >"$work/b$i.out" 2>&1 &
    pid[$i]=$!
  done
  java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp "$BROKER_JAR" bench/MemberStates.java \
    "$work/node-0" "$work/node-1" "$work/node-2" >"$work/states.txt" 2>&1 &
  pid[3]=$!
  l=""
  for _ in $(seq 1 3000); do # 60 s
    l=$(leader)
    [ -n "$l" ] && break
    sleep 0.02
  done
  if [ -z "$l" ]; then
    echo "late-follower: no leader within 60 s; the members' last lines:" >&2
    tail -n 5 "$work"/b*.out "$work/states.txt" >&2
    exit 1
  fi
  late=$(((l + 1) % 3))
  kill -STOP "${pid[$late]}"
  sleep "$(awk -v ms="$PAUSE" 'BEGIN {print ms / 1000}')"
  paused_at=$(wc -l <"$work/states.txt") # the paused member's counters cannot change meanwhile
  kill -CONT "${pid[$late]}"
  resumed=$(now_ms)
  back="-"
  all="-"
  for _ in $(seq 1 600); do # 60 s
    if [ "$back" = - ] && healthy "$late"; then back=$(($(now_ms) - resumed)); fi
    if [ "$back" != - ] && healthy 0 && healthy 1 && healthy 2; then
      all=$(($(now_ms) - resumed))
      break
    fi
    sleep 0.1
  done
  # INIT after the pause: its election failed a step and began again (it had been past INIT).
  again=$(tail -n +"$((paused_at + 1))" "$work/states.txt" | grep -c " member $late [A-Z]* INIT$" || true)
  [ "$again" -gt 0 ] && again=yes || again=no
  echo "| $round | ${back} ms | ${all} ms | $again |"
  for i in 0 1 2 3; do kill -9 "${pid[$i]}" 2>/dev/null || true; done
  wait 2>/dev/null || true
done
