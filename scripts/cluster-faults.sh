#!/usr/bin/env bash
# The clustered room's fault-schedule test: three broker processes form one room, a sender and a
# reader join on every broker, and a nemesis kills (SIGKILL) and restarts members, stops them with
# SIGTERM in turn (a rolling restart), pauses them (SIGSTOP 0.5 to 8 s) and cuts them off in network
# namespaces (as root, where iproute2 can make them), on a schedule drawn from a seed. After each
# fault heals, every broker must seat a JOIN and deliver a SEND within 30 s; at the end a checker
# reads what every client saw and names every lost, duplicated or reordered message. Exit 1 on any.
#
#   ./mvnw -B package -DskipTests
#   scripts/cluster-faults.sh --duration 60 --seed 42       # the seed is printed either way
#   scripts/cluster-faults.sh --schedule leader-kill         # one of the fixed sequences
#   scripts/cluster-faults.sh --help                         # every option
#
# A random run goes on past --duration until every member has been killed while it led.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_jars cluster-faults broker/target/ringchat-broker.jar bench/target/benchmarks.jar
exec java -ea -Xmx1g --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar io.ringchat.bench.faults.ClusterFaults "$@"
