# Sourced by the benchmarks that drive the independent C harness (../shared/tools/fanbench).
#
# fanbench_bin DIR: prints the path of a fanbench binary built from DIR/fanbench.c, building it
# outside DIR (which is read-only) into the user's cache when missing or older than the source;
# FANBENCH_BIN, if set, is used as it is. Needs a C compiler.
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
