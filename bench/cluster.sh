#!/usr/bin/env bash
# The clustered room, measured on this machine: three members (broker jars with --cluster-id) on
# loopback, beside a single broker in the same run.
#
#   ./mvnw -B package -DskipTests && bench/cluster.sh          # failover, throughput, footprint
#   PARKS="1ms 4ms" ROUNDS=2 bench/cluster.sh curve             # idle CPU against quiet latency
#   DURATION=600 bench/cluster.sh soak                           # the fault-schedule test for
#                                                                # DURATION s (it replaced the old
#                                                                # soak): scripts/cluster-faults.sh
#
# Sections: idle failover handover throughput peer quiet retention footprint burst bigroom soak
# (default: all but the soak; peer: the same loads on NATS, core on one server beside a JetStream
# stream replicated on three, skipped without nats-server; burst: a reader on each broker, 4.8 MB sent at once on one (BURST messages of
# 4,000 bytes, default 1,200), when each reader had it all; bigroom: BIGROOM members (4,000) with the longest names spread over the three
# brokers, then a WHO on each, which must list every one (exit 1 otherwise); idle: RSS (split by kind with bench/rss-split.py) and CPU of the members as started, before
# any load, also by thread (bench/thread-cpu.py); throughput: also the RSS of Aeron's terms after each load, and the
# round trip through the room hop by hop over each load's measured part (bench/round-trip.py), with the
# members' CPU by thread and how busy the machine was meanwhile (bench/thread-cpu.py), and beside
# what was lost the members a broker dropped (a generator's reader that falls more than
# --max-pending behind on the shared cores is removed as a slow consumer: what it would have got
# counts as lost); quiet: 30 members, 3 sending
# 1 msg/s, latency and CPU beside one broker (QUIET: its length, s, default 20), the cluster's round
# trip hop by hop (every SEND traced: one held on its way to the room or back to its sender's broker
# shows which hop held it), and how late this
# machine wakes a sleeping thread (bench/WakeLatency.java);
# failover: each time from the signal until the new leader's ready file was written (once its election closed), as
# bench/ready-watch.py (inotify) saw it, and until both other brokers serve again (their
# /healthz back to 200, bench/serving-watch.py); handover: the leader stopped with SIGTERM instead of killed; retention: the most disk a member
# holds while the log grows far past the snapshot interval). Environment: KILLS (failovers
# measured, default 10), DURATION (s, default 5; the soak's, 60), WARMUP (s, 20: three JVMs on
# two cores take that long to compile their hot paths under load, docs/BENCHMARKS.md), RETAIN
# (retention's length, s, default 60), MEMBER_JAVA_OPTS (the members' JVM flags; default the
# ones docs/CLUSTER.md runs a member with, -Xmx96m -XX:MaxDirectMemorySize=256m
# -XX:TrimNativeHeapInterval=5000; empty: none),
# LOADS (throughput's loads, clients:senders:w<window> or r<rate>, default "30:30:w16 300:10:w16
# 30:30:r50"), KEEP_WORK (set: the members' files and output are kept, and where is said),
# BROKER_ARGS (more broker options, for the members and the single broker alike, e.g.
# "--max-pending 67108864"), SNAPSHOT_BYTES (the members' --cluster-snapshot-bytes,
# default the broker's), SEED (the soak's seed, default a random one), BROKER_JAR (the jar the
# members and the single broker run, default broker/target/ringchat-broker.jar: two builds copied
# aside compare in interleaved runs without rebuilding between them).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

if [ "${*:-}" = soak ]; then
  # Faults of every kind, not only leader kills, with clients on every broker, and a checker of
  # what every client saw: the fault-schedule test does what the soak did, and more.
  exec scripts/cluster-faults.sh --duration "${DURATION:-60}" ${SEED:+--seed "$SEED"}
fi

if [ "${*:-}" = curve ]; then
  # The idle-park curve: for each --cluster-idle-park in PARKS, fresh members, their idle CPU and a
  # quiet room's latency (the idle and quiet sections), one setting after the other, ROUNDS times.
  echo "## Idle CPU against a quiet room's latency, by --cluster-idle-park"
  echo
  echo "| --cluster-idle-park | round | idle CPU per member (% of a core) | RSS per member (MiB) | quiet p50 ms | quiet p99 ms | quiet max ms | one broker's quiet p99 ms |"
  echo "| ---: | ---: | --- | --- | ---: | ---: | ---: | ---: |"
  for round in $(seq 1 "${ROUNDS:-1}"); do
    for park in ${PARKS:-1ms 2ms 4ms 8ms}; do
      IDLE_PARK=$park "$0" idle quiet | python3 -c '
import re, sys
text = sys.stdin.read()
cpu = re.findall(r"CPU ([0-9.]+)% of one core", text)
rss = re.findall(r"RSS ([0-9]+) MiB", text)
rows = {m[0]: m[1:] for m in re.findall(r"^\| (cluster|single) \| [0-9,]+ \| [0-9-]+ \| ([0-9.]+) \| ([0-9.]+) \| ([0-9.]+) \|", text, re.M)}
c = rows.get("cluster", ("-", "-", "-")); s = rows.get("single", ("-", "-", "-")); sep = ", "
print(f"| {sys.argv[1]} | {sys.argv[2]} | {sep.join(cpu)} | {sep.join(rss)} | {c[0]} | {c[1]} | {c[2]} | {s[1]} |")
' "$park" "$round"
    done
  done
  echo
  exit 0
fi

BROKER_JAR=${BROKER_JAR:-broker/target/ringchat-broker.jar}
CLIENT_JAR=client/target/ringchat-client.jar
KILLS=${KILLS:-10}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-20}
RETAIN=${RETAIN:-60}
SECTIONS=${*:-idle failover handover throughput peer quiet retention footprint burst bigroom}
need_jars cluster "$BROKER_JAR" "$CLIENT_JAR"

work=$(mktemp -d)
declare -a pid port
single_pid=""
watch_pid=""
serving_pid=""
nats_pids=()
cleanup() {
  for p in "${pid[@]:-}" "$single_pid" "$watch_pid" "$serving_pid" "${nats_pids[@]:-}"; do
    [ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ -n "${KEEP_WORK:-}" ]; then
    echo "cluster: the members' files and output are in $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

members=$(loopback_members)

# start_member I: starts (or restarts) member I; sets pid[I] and port[I] once it serves chat (its
# --ready-file, which it rewrites at every change of its role, is $work/ready-I.json).
start_member() {
  local i=$1
  rm -f "$work/ready-$i.json" # a killed member leaves its file behind
  run_member "$BROKER_JAR" "$work" "$members" "$i" $(flood_control_off) \
    ${IDLE_PARK:+--cluster-idle-park "$IDLE_PARK"} \
    ${SNAPSHOT_BYTES:+--cluster-snapshot-bytes "$SNAPSHOT_BYTES"} ${BROKER_ARGS:-} >>"$work/b$i.out" 2>&1 &
  pid[$i]=$!
  disown # killed on purpose: no "Killed" job notices in the report (bash still reaps it)
  port[$i]=$(ready_port "$work/ready-$i.json" "$work/b$i.out")
}

# leader: the live member whose ready file says leader (or nothing).
leader() { ready_leader "$work" "${pid[0]}" "${pid[1]}" "${pid[2]}"; }
# healthy I: whether member I's broker says 200 on /healthz (ready_healthy).
healthy() { ready_healthy "$work/ready-$1.json"; }
# disk_bytes: what the members keep on disk (archive: the log and snapshots; cluster: its
# metadata), not the media driver's buffers, which live in the same directory here.
member_disk() { du -s --block-size=1 "$work/node-$1/archive" "$work/node-$1/cluster" | awk '{s += $1} END {printf "%d\n", s}'; }
disk_bytes() {
  du -s --block-size=1 "$work"/node-*/archive "$work"/node-*/cluster | awk '{s += $1} END {printf "%d", s}'
}

echo "# ringchat cluster, $(date -u +%Y-%m-%d), $(nproc) cores, $(java -version 2>&1 | head -1)"
echo
starting=()
for i in 0 1 2; do start_member "$i" & starting+=($!); done
for p in "${starting[@]}"; do
  wait "$p" && continue
  for i in 0 1 2; do pid[$i]=$(ready_field "$work/ready-$i.json" pid); done # for the cleanup
  echo "cluster: a member did not start (its output is above)" >&2
  exit 1
done
for i in 0 1 2; do # started in subshells: their ready files say what they are
  port[$i]=$(ready_field "$work/ready-$i.json" chat_port)
  pid[$i]=$(ready_field "$work/ready-$i.json" pid)
done
until [ -n "$(leader)" ]; do sleep 0.1; done
# Every member settled (its election closed): a leader serves once one follower joined its log, and
# the first failover measured must not strike while the other is still joining.
for i in 0 1 2; do until healthy "$i"; do sleep 0.05; done; done

# idle: the three members as started, before any other section: RSS and CPU over 10 s, once
# they have been up 25 s.
if [[ " $SECTIONS " == *" idle "* ]]; then
  sleep $((25 - SECONDS > 0 ? 25 - SECONDS : 0))
  c0=(); for i in 0 1 2; do c0+=("$(cpu_ticks "${pid[$i]}")"); done
  threads=() # each member's threads over the same 10 s (bench/thread-cpu.py)
  for i in 0 1 2; do bench/thread-cpu.py "${pid[$i]}" 10 >"$work/threads-$i.txt" & threads+=($!); done
  sleep 10
  wait "${threads[@]}"
  echo "## Idle members, 25 s after start, 10 s"
  echo
  for i in 0 1 2; do
    echo "- member $i: RSS $(($(rss_kib "${pid[$i]}") / 1024)) MiB, CPU $(cpu_percent "${pid[$i]}" "${c0[$i]}" 10)% of one core; RSS by kind, MiB: $(bench/rss-split.py "${pid[$i]}")"
  done
  echo
  for i in 0 1 2; do
    echo "Member $i by thread (% of a core, context switches a second; the compiler threads are the JIT):"
    echo
    sed 's/^/    /' "$work/threads-$i.txt"
    echo
  done
fi

# failover SIGNAL WHAT: stops the leader with SIGNAL $KILLS times and times until another member
# leads (it comes back with its directory before the next round): until its ready file says so, as
# bench/ready-watch.py saw it written (inotify). Beside it, when this loop's own reading of the
# files found it, which is how these were timed before 2026-12-06: up to 200 ms later, the loop's
# sed processes waiting for the CPU while one member exits and the others elect.
failover() {
  local signal=$1 what=$2 l t0 t1 polled next seen
  echo "## Failover: the leader $what $KILLS times, time until another member leads"
  echo
  bench/ready-watch.py "$work" >"$work/roles.txt" &
  watch_pid=$!
  until grep -q '^# watching' "$work/roles.txt" 2>/dev/null; do sleep 0.05; done
  times=()
  polls=()
  serving=()
  for _ in $(seq 1 "$KILLS"); do
    l=$(leader)
    # The brokers that stay: when each serves again (its /healthz back to 200 after the election).
    others=()
    for i in 0 1 2; do [ "$i" != "$l" ] && others+=("$(ready_field "$work/ready-$i.json" http_port)"); done
    bench/serving-watch.py "${others[@]}" >"$work/serving.txt" &
    serving_pid=$!
    until grep -q '^# watching' "$work/serving.txt" 2>/dev/null; do sleep 0.05; done
    t0=${EPOCHREALTIME/./} # microseconds, taken in the shell itself: no process started
    kill "-$signal" "${pid[$l]}"
    until next=$(leader) && [ -n "$next" ] && [ "$next" != "$l" ]; do sleep 0.01; done
    polled=${EPOCHREALTIME/./}
    # The first "leader" line of another member written after the signal.
    until seen=$(awk -v t="$((t0 / 1000))" -v l="$l" '$1 >= t && $2 != l && $3 == "leader" {print $1; exit}' "$work/roles.txt") &&
      [ -n "$seen" ]; do sleep 0.01; done
    times+=($((seen - t0 / 1000)))
    polls+=($(((polled - t0) / 1000)))
    wait "$serving_pid" || true
    # The later of the two brokers; "never" (not serving within its 15 s) counts as 15 s.
    serving+=($(awk -v t="$((t0 / 1000))" '$1 !~ /^#/ { d = ($3 == "serving" ? $1 - t : 15000); if (d > m) m = d } END { print m + 0 }' "$work/serving.txt"))
    while kill -0 "${pid[$l]}" 2>/dev/null; do sleep 0.05; done # gone (SIGTERM: once stopped)
    start_member "$l" # back with its directory, to catch up before the next round
    until [ -n "$(leader)" ]; do sleep 0.1; done
    # Its election closes once it has caught up: only then is the cluster whole again (a leader
    # stopped while a member still catches up is replaced only after the heartbeat timeout).
    until healthy "$l"; do sleep 0.05; done
  done
  kill "$watch_pid"
  wait "$watch_pid" 2>/dev/null || true
  watch_pid=
  python3 - "${#times[@]}" "${times[@]}" "${polls[@]}" "${serving[@]}" <<'PY'
import statistics, sys
n = int(sys.argv[1])
t = sorted(int(x) for x in sys.argv[2 : 2 + n])
p = sorted(int(x) for x in sys.argv[2 + n : 2 + 2 * n])
s = sorted(int(x) for x in sys.argv[2 + 2 * n :])
print("| rounds | p50 ms | max ms | each (ms) | found by polling: p50, max ms | both other brokers serving: p50, max ms |")
print("| ---: | ---: | ---: | --- | --- | --- |")
print(f"| {n} | {statistics.median(t):.0f} | {max(t)} | {', '.join(map(str, t))} | {statistics.median(p):.0f}, {max(p)} | {statistics.median(s):.0f}, {max(s)} |")
PY
  echo
  echo "(From the signal until the new leader's ready file was written, as inotify reported it; the"
  echo "last column until the later of the two other brokers' /healthz said 200 again, bench/serving-watch.py.)"
  echo
}
[[ " $SECTIONS " == *" failover "* ]] && failover KILL "killed (SIGKILL)"
[[ " $SECTIONS " == *" handover "* ]] && failover TERM "stopped (SIGTERM)"

# start_single / stop_single: the single broker measured beside the cluster (flood control off
# like the members'); sets single_pid and single_port.
start_single() {
  rm -f "$work/ready-single.json" # the last one's, if it has not removed it yet
  java -jar "$BROKER_JAR" --bind 127.0.0.1 --port 0 --http-port 0 $(flood_control_off) \
    --ready-file "$work/ready-single.json" ${BROKER_ARGS:-} >"$work/single.out" 2>&1 &
  single_pid=$!
  single_port=$(ready_port "$work/ready-single.json" "$work/single.out")
}
stop_single() {
  kill "$single_pid" 2>/dev/null || true
  while kill -0 "$single_pid" 2>/dev/null; do sleep 0.05; done # its ready file removed
  single_pid=""
}

# spread_hosts: the three members' chat addresses, for the generator's --host (their ports change
# when the failover sections restart them).
spread_hosts() { echo "127.0.0.1:${port[0]},127.0.0.1:${port[1]},127.0.0.1:${port[2]}"; }

# load ARGS...: one generator run; prints its JSON report, or {"error": its first error line}.
load() {
  rm -f "$work/run.json"
  java -jar "$CLIENT_JAR" load --warmup "$WARMUP" --duration "$DURATION" \
    --json "$work/run.json" "$@" >/dev/null 2>"$work/load.err" || true
  cat "$work/run.json" 2>/dev/null ||
    python3 -c 'import json, sys; print(json.dumps({"error": (open(sys.argv[1]).readline().strip() or "no report")}))' "$work/load.err"
}

# scrape_hops WHEN: each member's /metrics into $work/hops-WHEN-I; hop_files lists them in pairs.
hop_files=()
scrape_hops() {
  local i
  for i in 0 1 2; do
    curl -s "http://127.0.0.1:$(ready_field "$work/ready-$i.json" http_port)/metrics" >"$work/hops-$1-$i" || true
  done
  if [ "$1" = after ]; then
    hop_files=()
    for i in 0 1 2; do hop_files+=("$work/hops-before-$i" "$work/hops-after-$i"); done
  fi
}

if [[ " $SECTIONS " == *" throughput "* ]]; then
  hop_runs=(); hop_tables=(); thread_tables=()
  start_single
  spread=$(spread_hosts)
  echo "## Throughput, 64-byte messages, members spread over the three brokers, beside one broker"
  echo
  echo "| load | room | ordered messages/s | deliveries/s | lost (members dropped) | out of order | p50 ms | p99 ms | CPU per broker process (% of a core) | ordered messages per broker CPU-second | RSS after (MiB) | of which Aeron's terms |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | --- |"
  for run in ${LOADS:-30:30:w16 300:10:w16 30:30:r50}; do
    IFS=: read -r clients senders mode <<<"$run"
    args=(--clients "$clients" --senders "$senders" --size 64)
    case "$mode" in w*) args+=(--window "${mode#w}") ;; r*) args+=(--rate "${mode#r}") ;; esac
    for room in cluster single; do
      if [ "$room" = cluster ]; then host=$spread; else host=127.0.0.1:$single_port; fi
      d0=$(disk_bytes)
      if [ "$room" = cluster ]; then procs="${pid[*]}"; else procs=$single_pid; fi
      # Over the measured part of the load (from the warm-up's end): the brokers' CPU, and for the
      # cluster its round trip hop by hop (each broker's ringchat_cluster_round_trip_seconds).
      load --host "$host" "${args[@]}" >"$work/load.json" &
      loader=$!
      sleep $((WARMUP + 1))
      c0=(); for p in $procs; do c0+=("$(cpu_ticks "$p")"); done
      t0=$(date +%s%N)
      if [ "$room" = cluster ]; then
        scrape_hops before
        # Where the members' CPU goes meanwhile, by thread, and whether the machine had any left.
        bench/thread-cpu.py "$(IFS=,; echo "${pid[*]}")" "$((DURATION > 3 ? DURATION - 2 : 1))" >"$work/threads-load.txt" &
        sampler=$!
      fi
      wait "$loader" || true
      r=$(cat "$work/load.json")
      secs=$(python3 -c "print(($(date +%s%N) - $t0) / 1e9)")
      cpu=""; k=0
      for p in $procs; do cpu="$cpu $(cpu_percent "$p" "${c0[$k]}" "$secs")"; k=$((k + 1)); done
      if [ "$room" = cluster ]; then
        scrape_hops after
        hop_runs+=("$clients x $senders ${mode:0:1} ${mode:1}")
        hop_tables+=("$(bench/round-trip.py "${hop_files[@]}")")
        wait "$sampler" || true
        thread_tables+=("$(cat "$work/threads-load.txt")")
      fi
      d1=$(disk_bytes)
      [ "$room" = cluster ] && echo "$d0 $d1 $(json_field "$r" sent)" >>"$work/disk"
      rss=""; terms=""
      for p in $procs; do
        rss="$rss $(($(rss_kib "$p") / 1024))"
        # Aeron's term buffers, each counted once per mapping as RSS counts them (rss-split.py).
        terms="$terms $(bench/rss-split.py "$p" | sed -n 's/.*aeron-terms \([0-9]*\).*/\1/p')"
      done
      python3 - "$r" "$clients x $senders ${mode:0:1} ${mode:1}" "$room" "$rss" "$terms" "$cpu" <<'PY'
import json, sys
r = json.loads(sys.argv[1]) if sys.argv[1].strip() else {}
if "error" in r:
    sys.exit(print(f"| {sys.argv[2]} | {sys.argv[3]} | the generator failed: {r['error']} |"))
lat = r.get("latency_us", {})
ms = lambda v: "-" if v is None else f"{v / 1000:.2f}"
cpu = [float(c) for c in sys.argv[6].split()]
per_cpu = r.get("sent_per_sec", 0) / (sum(cpu) / 100) if sum(cpu) else 0
print(f"| {sys.argv[2].replace(' w ', ' window ').replace(' r ', ' msg/s ')} | {sys.argv[3]} | "
      f"{round(r.get('sent_per_sec', 0)):,} | {round(r.get('delivered_per_sec', 0)):,} | "
      f"{r.get('lost', '-')} ({r.get('dropped', '-')}) | {r.get('out_of_order', '-')} | {ms(lat.get('p50'))} | {ms(lat.get('p99'))} | "
      f"{', '.join(sys.argv[6].split())} | {round(per_cpu):,} | "
      f"{', '.join(sys.argv[4].split())} | {', '.join(sys.argv[5].split())} |")
PY
    done
  done
  echo
  for k in "${!hop_runs[@]}"; do
    label=${hop_runs[$k]/ w / window }
    echo "Round trip through the room, hop by hop, ${label/ r / msg\/s }"
    echo "(bench/round-trip.py; the hops in docs/CLUSTER.md; one traced message in flight per broker, at most 100 a second):"
    echo
    echo "${hop_tables[$k]}"
    echo
    echo "The three members' threads meanwhile (bench/thread-cpu.py: each name summed over the three, % of one core):"
    echo
    echo '```'
    echo "${thread_tables[$k]}"
    echo '```'
    echo
  done
  stop_single
fi

# peer: what a replicated room costs another system on this machine, the same loads (LOADS)
# through NATS with its own generator (bench/NatsRoom.java): core NATS on one server (one broker's
# peer) and a JetStream stream replicated on three servers, file storage, each message reaching the
# members once the stream's Raft group committed it (the cluster's peer); then the servers' idle CPU
# and RSS (10 s after the last load, over 10 s). Needs nats-server (apt-get install nats-server) and the
# jnats client (Maven Central, fetched by the wrapper into ~/.m2).
if [[ " $SECTIONS " == *" peer "* ]] && ! command -v nats-server >/dev/null; then
  echo "## Peer: skipped, nats-server is not installed (apt-get install nats-server)"
  echo
elif [[ " $SECTIONS " == *" peer "* ]]; then
  jnats_version=2.21.1
  jnats=~/.m2/repository/io/nats/jnats/$jnats_version/jnats-$jnats_version.jar
  [ -f "$jnats" ] || ./mvnw -B -q dependency:get -Dartifact=io.nats:jnats:$jnats_version >&2
  read -r p0 p1 p2 r0 r1 r2 ps <<<"$(python3 -c '
import socket
s = [socket.socket() for _ in range(7)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')"
  ports=("$p0" "$p1" "$p2"); routes="nats://127.0.0.1:$r0,nats://127.0.0.1:$r1,nats://127.0.0.1:$r2"
  rports=("$r0" "$r1" "$r2")
  for i in 0 1 2; do
    nats-server -a 127.0.0.1 -p "${ports[$i]}" -n "nats-$i" -js -sd "$work/nats-$i" --cluster_name room \
      --cluster "nats://127.0.0.1:${rports[$i]}" --routes "$routes" >"$work/nats-$i.out" 2>&1 &
    nats_pids+=($!)
  done
  nats-server -a 127.0.0.1 -p "$ps" >"$work/nats-single.out" 2>&1 &
  nats_single=$!
  nats_pids+=("$nats_single")
  sleep 5 # the JetStream servers' meta group elected
  echo "## Peer: NATS $(nats-server --version | sed 's/^nats-server: //'), the same loads, bench/NatsRoom.java"
  echo
  echo "| load | room | ordered messages/s | deliveries/s | lost | duplicated, skipped | p50 ms | p99 ms | CPU per server process (% of a core) |"
  echo "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | --- |"
  for run in ${LOADS:-30:30:w16 300:10:w16 30:30:r50}; do
    IFS=: read -r clients senders mode <<<"$run"
    args=(--members "$clients" --senders "$senders" --size 64 --warmup "$WARMUP" --duration "$DURATION")
    case "$mode" in w*) args+=(--window "${mode#w}") ;; r*) args+=(--rate "${mode#r}") ;; esac
    for room in jetstream core; do
      if [ "$room" = jetstream ]; then
        servers="nats://127.0.0.1:$p0,nats://127.0.0.1:$p1,nats://127.0.0.1:$p2"; procs="${nats_pids[*]:0:3}"
      else
        servers="nats://127.0.0.1:$ps"; procs=$nats_single
      fi
      java -cp "$jnats" bench/NatsRoom.java --mode "$room" --servers "$servers" "${args[@]}" >"$work/nats-load.txt" 2>&1 &
      loader=$!
      sleep $((WARMUP + 3)) # its source compiled, its members connected, the warm-up over
      c0=(); for p in $procs; do c0+=("$(cpu_ticks "$p")"); done
      t0=$(date +%s%N)
      wait "$loader" || { echo "| $run | $room | the generator failed: $(tail -1 "$work/nats-load.txt") |"; continue; }
      secs=$(python3 -c "print(($(date +%s%N) - $t0) / 1e9)")
      cpu=""; k=0
      for p in $procs; do cpu="$cpu $(cpu_percent "$p" "${c0[$k]}" "$secs")"; k=$((k + 1)); done
      line=$(grep '^mode=' "$work/nats-load.txt" | tail -1)
      f() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
      label="$clients x $senders ${mode:0:1} ${mode:1}"; label=${label/ w / window }; label=${label/ r / msg\/s }
      name=$([ "$room" = jetstream ] && echo "JetStream, 3 replicas" || echo "core, one server")
      comma() { python3 -c "print(f'{round(float(\"$1\")):,}')"; }
      printf '| %s | %s | %s | %s | %s | %s, %s | %s | %s | %s |\n' "$label" "$name" \
        "$(comma "$(f ordered_per_s)")" "$(comma "$(f deliveries_per_s)")" \
        "$(f lost)" "$(f duplicated)" "$(f skipped)" "$(f p50_ms)" "$(f p99_ms)" "$(echo $cpu | sed 's/ /, /g')"
    done
  done
  echo
  # Idle once the loads made the stream (its Raft group on all three, as the issue measured it).
  sleep 10
  c0=(); for p in "${nats_pids[@]}"; do c0+=("$(cpu_ticks "$p")"); done
  sleep 10
  echo "Idle, 10 s after the last load, over 10 s:"
  echo
  k=0
  for p in "${nats_pids[@]}"; do
    what=$([ "$p" = "$nats_single" ] && echo "core server" || echo "JetStream server $k")
    echo "- $what: RSS $(($(rss_kib "$p") / 1024)) MiB, CPU $(cpu_percent "$p" "${c0[$k]}" 10)% of one core"
    k=$((k + 1))
  done
  echo
  for p in "${nats_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait "${nats_pids[@]}" 2>/dev/null || true
  nats_pids=()
fi

# quiet: a quiet room, 30 members of whom 3 send 1 message a second, cluster beside one broker:
# the latency of a message that finds every agent idle, and the members' CPU meanwhile.
if [[ " $SECTIONS " == *" quiet "* ]]; then
  start_single
  spread=$(spread_hosts)
  quiet=${QUIET:-20}
  echo "## Quiet room: 30 members, 3 sending 1 msg/s, ${quiet} s, beside one broker"
  echo
  echo "| room | deliveries | lost | p50 ms | p99 ms | max ms | CPU per broker process (% of a core) |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
  for room in cluster single; do
    if [ "$room" = cluster ]; then host=$spread; procs="${pid[*]}"; else host=127.0.0.1:$single_port; procs=$single_pid; fi
    c0=(); for p in $procs; do c0+=("$(cpu_ticks "$p")"); done
    t0=$(date +%s%N)
    WARMUP=1 DURATION=$quiet load --host "$host" --clients 30 --senders 3 --rate 1 --size 64 >"$work/load.json" &
    loader=$!
    # The hops from the warm-up's end: the joins before it are traced too, and slower.
    sleep 2
    [ "$room" = cluster ] && scrape_hops before
    wait "$loader" || true
    r=$(cat "$work/load.json")
    t1=$(date +%s%N)
    [ "$room" = cluster ] && scrape_hops after && quiet_hops=$(bench/round-trip.py "${hop_files[@]}")
    secs=$(python3 -c "print(($t1 - $t0) / 1e9)")
    cpu=""; k=0
    for p in $procs; do
      cpu="$cpu $(cpu_percent "$p" "${c0[$k]}" "$secs")"
      k=$((k + 1))
    done
    python3 - "$r" "$room" "$cpu" <<'PY'
import json, sys
r = json.loads(sys.argv[1]) if sys.argv[1].strip() else {}
if "error" in r:
    sys.exit(print(f"| {sys.argv[2]} | the generator failed: {r['error']} |"))
lat = r.get("latency_us", {})
ms = lambda v: "-" if v is None else f"{v / 1000:.2f}"
print(f"| {sys.argv[2]} | {r.get('delivered', '-'):,} | {r.get('lost', '-')} | {ms(lat.get('p50'))} | "
      f"{ms(lat.get('p99'))} | {ms(lat.get('max'))} | {', '.join(sys.argv[3].split())} |")
PY
  done
  echo
  echo "(CPU over the whole run, its warm-up and joins included.)"
  echo
  echo "The cluster's round trip, hop by hop (bench/round-trip.py; every SEND of a quiet room is traced):"
  echo
  echo "${quiet_hops:-}"
  echo
  # The floor under both: how late this machine wakes a sleeping thread once it has been idle
  # (bench/WakeLatency.java, no broker), measured now, beside the rooms.
  echo "This machine, same run: $(java bench/WakeLatency.java 500 20000)"
  echo
  stop_single
fi

if [[ " $SECTIONS " == *" retention "* ]]; then
  spread=$(spread_hosts)
  bytes=${SNAPSHOT_BYTES:-67108864}
  echo "## Retention: 30 members all sending 1,000-byte messages for ${RETAIN}s, snapshots every $((bytes / 1048576)) MiB of log"
  echo
  : >"$work/disk-max"
  (
    while :; do
      for i in 0 1 2; do member_disk "$i"; done | sort -n | tail -1 >>"$work/disk-max"
      sleep 1
    done
  ) &
  sampler=$!
  r=$(WARMUP=1 DURATION=$RETAIN load --host "$spread" --clients 30 --senders 30 --size 1000 --window 16)
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  written=$(cat "$work"/b*.out | sed -n 's/^cluster: snapshot at log position \([0-9]*\)/\1/p' | sort -n | tail -1)
  purges=$(grep -c '^cluster: purged below' "$work/b0.out" || true)
  python3 - "$r" "${written:-0}" "$(sort -n "$work/disk-max" | tail -1)" "$bytes" "$purges" <<'PY'
import json, sys
r = json.loads(sys.argv[1]) if sys.argv[1].strip() else {}
written, disk, snap, purges = (int(x) for x in sys.argv[2:6])
mib = lambda b: f"{b / 2**20:,.0f} MiB"
print("| log written (last snapshot's position) | most disk any member held | bound (2.25 x snapshot interval) | purges (member 0) | messages | lost |")
print("| ---: | ---: | ---: | ---: | ---: | ---: |")
print(f"| {mib(written)} | {mib(disk)} | {mib(snap * 9 // 4)} | {purges} | {r.get('sent', '-'):,} | {r.get('lost', '-')} |")
PY
  echo
  echo "(Disk: the member's archive and cluster directories, sampled every second; the bound is"
  echo "for the log alone, the snapshots kept and the recording log come on top.)"
  echo
fi

if [[ " $SECTIONS " == *" footprint "* ]]; then
  echo "## Footprint"
  echo
  c0=(); for i in 0 1 2; do c0+=("$(cpu_ticks "${pid[$i]}")"); done
  sleep 10
  cpu=""
  for i in 0 1 2; do
    cpu="$cpu $(cpu_percent "${pid[$i]}" "${c0[$i]}" 10)%"
  done
  rss=""
  for i in 0 1 2; do rss="$rss $(($(rss_kib "${pid[$i]}") / 1024)) MiB"; done
  echo "- RSS per member (after the runs above):$rss"
  echo "- CPU per member, idle room, 10 s:$cpu of one core"
  if [ -f "$work/disk" ]; then
    python3 - "$work/disk" <<'PY'
import sys
grown = sent = 0
for line in open(sys.argv[1]):
    d0, d1, s = line.split()
    if s != "-":
        grown += int(d1) - int(d0); sent += int(s)
if sent:
    print(f"- disk (archive and cluster files), each member: {grown / 3 / sent * 1e6 / 2**20:.0f} MiB"
          f" per million messages ({grown / 3 / 2**20:.0f} MiB for {sent:,} messages, snapshots"
          f" included)")
PY
  fi
  echo
fi

# burst: a reader on each broker, then one sender on one broker sends BURST (1,200) messages of
# 4,000 bytes as fast as it can (4.8 MB); when each reader had its last line, from the first SEND.
# Twice: sending on the leader's broker, then on a follower's.
if [[ " $SECTIONS " == *" burst "* ]]; then
  echo "## A burst of ${BURST:-1200} messages of 4,000 bytes: when each broker's reader had the last"
  echo
  first=$(leader)
  for from in "$first" "$(( (first + 1) % 3 ))"; do
    order=("${port[$from]}"); for i in 0 1 2; do [ "$i" = "$from" ] || order+=("${port[$i]}"); done
    bench/burst.py "${BURST:-1200}" "$from" "${order[@]}"
  done
  echo
fi

# bigroom: a room larger than one egress message can list or announce (Aeron's largest message is an
# eighth of the egress term, 128 KiB): BIGROOM members (default 4,000) with 32-byte names spread
# over the three brokers (member i on broker i % 3), then a WHO on each broker, which must list
# every one of them once; then the leader is killed (SIGKILL), and the two others must list all
# but the killed broker's members; then it is restarted, and all three must list the same; then
# the generator's members all leave at once, and all three must list the probe alone.
if [[ " $SECTIONS " == *" bigroom "* ]]; then
  big=${BIGROOM:-4000}
  echo "## A room of $big members (32-byte names): WHO on each broker, across a leader kill"
  echo
  prefix=bigroommembersnamedtothelong # and up to 4 digits: 32 bytes, the longest name
  java -jar "$CLIENT_JAR" load --host "$(spread_hosts)" --clients "$big" --senders 0 \
    --prefix "$prefix" --warmup 0 --duration 600 >/dev/null 2>"$work/bigroom.err" &
  holder=$!
  bigroom() { bench/bigroom-check.py "$prefix" "$big" "$1" "$holder" "$work/bigroom.err" "${@:2}"; }
  ok=1
  echo "All three brokers up:"
  bigroom -1 "${port[@]}" || ok=""
  if [ -n "$ok" ]; then
    killed=$(leader)
    kill -9 "${pid[$killed]}"
    survivors=()
    for i in 0 1 2; do [ "$i" = "$killed" ] || survivors+=("${port[$i]}"); done
    echo "The leader (member $killed) killed:"
    bigroom "$killed" "${survivors[@]}" || ok=""
  fi
  if [ -n "$ok" ]; then
    start_member "$killed"
    for _ in $(seq 300); do healthy "$killed" && break; sleep 0.2; done
    echo "Member $killed restarted:"
    bigroom "$killed" "${port[@]}" || ok=""
  fi
  kill "$holder" 2>/dev/null || true
  wait "$holder" 2>/dev/null || true
  if [ -n "$ok" ]; then
    # Every member gone at once (the generator's connections closed): the room must empty. The
    # shell stands in for the generator, which the check watches only while it waits.
    echo "The generator's members all gone at once:"
    bench/bigroom-check.py "$prefix" 0 -1 $$ "$work/bigroom.err" "${port[@]}" || ok=""
  fi
  echo
  if [ -z "$ok" ]; then
    echo "cluster: the room of $big members failed its check (above)" >&2
    exit 1
  fi
fi
