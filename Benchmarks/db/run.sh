#!/usr/bin/env bash
# Settling a month held in the database (issue 4): generate a team, import it with `jili import`,
# put its plan in force, then time `jili pay run` (read, settle, write in one transaction) and
# `jili pay approve`.
#
#   Benchmarks/db/run.sh MEMBERS ORDERS                # SQLite (a file in a temporary folder)
#   DATABASE_URL=postgres://… Benchmarks/db/run.sh MEMBERS ORDERS   # PostgreSQL (an empty database)
#
# Needs a release build: swift build -c release --product jili
set -euo pipefail
members=${1:-100000}
orders=${2:-1000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
jili="$root/.build/release/jili"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export JILI_HOME="$root"
if [ -z "${DATABASE_URL:-}" ]; then export JILI_DATA="$work/jili.sqlite"; fi
# Orders up to October, so that none is in the future of today's clock.
"$jili" demo generate --members "$members" --orders "$orders" --period 2026-10 --out "$work" > /dev/null
for kind in members orders refunds; do
  /usr/bin/time -f "import $kind: %e s, %M KB" "$jili" import "$kind" "$work/$kind.csv"
done
"$jili" pay plan "$work/plan.json" --from 2026-01
for i in 1 2 3; do
  /usr/bin/time -f "pay run: %e s wall, %M KB" "$jili" pay run --month 2026-10 --timings
done
/usr/bin/time -f "pay approve: %e s wall, %M KB" "$jili" pay approve --month 2026-10
# The same month from the files, for the total.
"$jili" settle --plan "$work/plan.json" --members "$work/members.csv" --orders "$work/orders.csv" \
  --refunds "$work/refunds.csv" --period 2026-10 | grep -m1 '"total"'
