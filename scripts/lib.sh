# Helpers sourced by every script of this repository (scripts/, bench/, .ci/run): finding a
# broker's ports, reading /proc and JSON reports, building the C harness. Only functions; sourcing
# it changes nothing else. Each script runs from the repository's root.

# need_jars SCRIPT JAR...: exits 2 with one line if a jar is missing.
need_jars() {
  local script=$1 jar
  shift
  for jar in "$@"; do
    [ -f "$jar" ] || { echo "$script: $jar is missing; run ./mvnw -B package -DskipTests" >&2; exit 2; }
  done
}

# flood_control_off: the broker options that turn its flood control and per-address cap off, for a
# benchmark whose clients all come from one address and send as fast as they can: it measures the
# broker's work, not its defaults for a public room (docs/OPERATIONS.md, "Flood control"). Set
# FLOOD_OFF_OPTS to override, e.g. empty for a BROKER_JAR built before these options existed.
flood_control_off() {
  echo "${FLOOD_OFF_OPTS---max-rate 0 --max-clients-per-address 0 --max-address-rate 0 --max-joins-per-address 0}"
}

# ready_field FILE NAME: a field of a broker's --ready-file ({"pid":N,"chat_port":N,"http_port":N,
# "role":"..."}), or nothing if the file or the field is not there.
ready_field() {
  [ -f "$1" ] || return 0
  # A restarted broker removes its file before writing it again: gone since the test, say nothing.
  sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$1" 2>/dev/null || true
}

# ready_port FILE LOG [FIELD] [SECONDS]: waits (default 60 s) for the broker that was started with
# --ready-file FILE and writes to LOG to listen, and prints FIELD of its ready file (default
# chat_port). A broker writes the file once it listens, so a port read here is one it serves. If
# the file never comes, prints LOG to stderr and returns 1.
ready_port() {
  local file=$1 log=$2 field=${3:-chat_port} seconds=${4:-60} value
  for _ in $(seq 1 $((seconds * 10))); do
    value=$(ready_field "$file" "$field")
    [ -n "$value" ] && { echo "$value"; return 0; }
    sleep 0.1
  done
  echo "broker did not start (no $file after $seconds s):" >&2
  cat "$log" >&2
  return 1
}

# ready_healthy FILE: whether the broker whose --ready-file is FILE says 200 on /healthz (a cluster
# member's: it has a leader, and its member is not electing) and, a cluster member's, that its member
# holds the log (ringchat_cluster_catching_up 0: a member that catches up with a running leader
# leaves its broker serving meanwhile).
ready_healthy() {
  local http
  http=$(ready_field "$1" http_port)
  [ -n "$http" ] && curl -fs -o /dev/null --max-time 1 "http://127.0.0.1:$http/healthz" &&
    ! curl -fs --max-time 1 "http://127.0.0.1:$http/metrics" | grep -q '^ringchat_cluster_catching_up 1'
}

# ready_leader DIR PID...: the index of the live member (its pid the index-th given) whose ready
# file, DIR/ready-INDEX.json, says leader; nothing if none does.
ready_leader() {
  local dir=$1 i=0 p
  shift
  for p in "$@"; do
    if kill -0 "$p" 2>/dev/null && [ "$(ready_field "$dir/ready-$i.json" role)" = leader ]; then
      echo "$i"
      return 0
    fi
    i=$((i + 1))
  done
  return 0
}

# member_java_opts: a benchmarked cluster member's JVM flags, MEMBER_JAVA_OPTS if set (empty: none),
# else the ones docs/CLUSTER.md runs a member with.
member_java_opts() {
  echo "${MEMBER_JAVA_OPTS--Xmx96m -XX:MaxDirectMemorySize=256m -XX:TrimNativeHeapInterval=5000}"
}

# loopback_members: --cluster-members for three members on loopback from a random base port (each
# member uses its base and the four ports after it).
loopback_members() {
  local base=$((20000 + 100 * (RANDOM % 200)))
  echo "127.0.0.1:$base,127.0.0.1:$((base + 100)),127.0.0.1:$((base + 200))"
}

# run_member JAR WORK MEMBERS I [ARG...]: runs member I of MEMBERS in place of the calling shell,
# with member_java_opts and ARGs, its files in WORK/node-I and its --ready-file WORK/ready-I.json
# (chat and HTTP on ports of its own choosing). Started as `run_member ... &`, $! is the member's
# own pid, which a signal must reach.
run_member() {
  local jar=$1 work=$2 members=$3 i=$4
  shift 4
  exec java $(member_java_opts) -jar "$jar" --bind 127.0.0.1 --port 0 --http-port 0 --cluster-id "$i" \
    --cluster-members "$members" --cluster-dir "$work/node-$i" --ready-file "$work/ready-$i.json" "$@"
}

# need_duration SCRIPT VALUE: exits 2 with one line unless VALUE is a duration such as 90s, 30m or
# 2h (what SoakIT and Jazzer both take).
need_duration() {
  [[ $2 =~ ^[1-9][0-9]*[smh]$ ]] || {
    echo "$1: '$2' is not a duration; give one such as 90s, 30m or 2h" >&2
    exit 2
  }
}

# rss_kib PID: resident memory of a process, in KiB.
rss_kib() { sed -n 's/^VmRSS:[^0-9]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

# cpu_ticks PID: user + system CPU of a process so far, in clock ticks (getconf CLK_TCK a second).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# cpu_percent PID TICKS0 SECONDS: the share of one core PID used since it had TICKS0 (cpu_ticks)
# SECONDS ago, one decimal.
cpu_percent() {
  python3 -c "import os, sys; print(round(100 * (int(sys.argv[2]) - int(sys.argv[1])) / os.sysconf('SC_CLK_TCK') / float(sys.argv[3]), 1))" \
    "$2" "$(cpu_ticks "$1")" "$3"
}

# json_field JSON NAME: a field of a JSON object given as text; NAME may be a dotted path
# (latency_us.p99). Prints - if absent.
json_field() {
  python3 -c 'import json,sys; v=json.loads(sys.argv[1])
for k in sys.argv[2].split("."):
    if not isinstance(v, dict) or k not in v: print("-"); sys.exit()
    v=v[k]
print(v)' "$1" "$2"
}

# fanbench_bin DIR: prints the path of a fanbench binary (the independent C harness) built from
# DIR/fanbench.c, building it outside DIR (which is read-only) into the user's cache when missing
# or older than the source; FANBENCH_BIN, if set, is used as it is. Needs a C compiler.
fanbench_bin() {
  local dir=$1 bin
  if [ -n "${FANBENCH_BIN:-}" ]; then
    echo "$FANBENCH_BIN"
    return 0
  fi
  bin="${XDG_CACHE_HOME:-$HOME/.cache}/fanbench/fanbench"
  if [ ! -x "$bin" ] || [ "$dir/fanbench.c" -nt "$bin" ]; then
    mkdir -p "$(dirname "$bin")"
    cc -O2 -Wall -pthread -o "$bin" "$dir/fanbench.c" -lm || return 1
  fi
  echo "$bin"
}
