#!/usr/bin/env bash
# The monthly promotion evaluation (issue 7) on a database loaded by run.sh (100k members, 1M
# orders): publish the ladder of ladder.json, then evaluate October three times from scratch.
#
#   JILI_DATA=/path/jili.sqlite Benchmarks/db/promotion.sh
#   DATABASE_URL=postgres://… Benchmarks/db/promotion.sh
#
# Needs a release build: swift build -c release --product jili
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
jili="$root/.build/release/jili"
export JILI_HOME="$root"
"$jili" migrate > /dev/null
"$jili" promotion ladder "$root/Benchmarks/db/ladder.json"
for i in 1 2 3; do
  /usr/bin/time -f "  %e s wall, %M KB" "$jili" promotion evaluate --month 2026-10 --again
done
