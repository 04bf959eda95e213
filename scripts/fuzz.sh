#!/usr/bin/env bash
# Fuzzes the broker (decoder, I/O handler and room against the protocol model) for as long as
# asked: scripts/fuzz.sh 30m   (default 5m; durations as Jazzer takes them: 90s, 30m, 2h).
# The corpus grows in broker/.cifuzz-corpus/ (not committed); an input that finds a fault is
# written under broker/src/test/resources/.../BrokerFuzzTestInputs/ and replays in every normal
# test run from then on: commit it with the fix.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_duration fuzz "${1:-5m}"
JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${1:-5m}" ./mvnw -B -ntp test -pl broker -am \
  -Dtest=BrokerFuzzTest -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true
