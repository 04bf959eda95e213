#!/usr/bin/env bash
# Soak: load, churn and slow consumers together against the broker jar for as long as asked,
# checking that healthy members lose nothing and the broker's heap and descriptors stay flat.
#   scripts/soak.sh 30m      (default 5m; the default test run includes a 60 s version)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_duration soak "${1:-5m}"
./mvnw -B -ntp verify -pl broker -am -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=SoakIT -Dsoak.duration="${1:-5m}" -Dspotless.check.skip=true
