#!/usr/bin/env bash
# jili settle against wc -l and against the same plan in PostgreSQL (recursive SQL), on one set of
# demo files. Usage: Benchmarks/sql/compare.sh MEMBERS ORDERS   (see docs/benchmarks.md)
# Needs PostgreSQL 15's binaries (apt-get install postgresql-15) and a release build of jili.
set -euo pipefail
members=${1:-100000}
orders=${2:-1000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/Benchmarks/sql"
jili="$root/.build/release/jili"
[ -x "$jili" ] || (cd "$root" && swift build -c release --product jili)
data=${JILI_BENCH_DATA:-/tmp/jili-sql-$members-$orders}
[ -f "$data/goals.csv" ] || "$jili" demo generate --members "$members" --orders "$orders" --out "$data" --seed 2026
chmod -R a+rX "$data"

seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
args=(settle --plan "$data/plan.json" --members "$data/members.csv" --orders "$data/orders.csv"
      --refunds "$data/refunds.csv" --goals "$data/goals.csv" --period 2026-11)

cat "$data"/*.csv >/dev/null   # warm the page cache for every reader alike
wc_time=$(seconds wc -l "$data"/members.csv "$data"/orders.csv "$data"/refunds.csv "$data"/goals.csv)
jili_time=$(seconds "$jili" "${args[@]}" --out "$data/result.json")

# A throwaway PostgreSQL cluster on port 5433 (initdb refuses root: run it as postgres).
PGBIN=/usr/lib/postgresql/15/bin
pg=$(mktemp -d); chown postgres: "$pg"
runuser -u postgres -- $PGBIN/initdb -D "$pg/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >/dev/null
runuser -u postgres -- $PGBIN/pg_ctl -D "$pg/data" -l "$pg/log" -w \
    -o "-p 5433 -k $pg -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=2GB -c max_wal_size=8GB" start >/dev/null
trap 'runuser -u postgres -- $PGBIN/pg_ctl -D "$pg/data" -m fast -w stop >/dev/null; rm -rf "$pg"' EXIT
psql=(psql -q -h 127.0.0.1 -p 5433 -U postgres -d postgres)
load_time=$(seconds "${psql[@]}" -v dir="$data" -f "$here/load.sql")
sql_time=$(seconds "${psql[@]}" -v period=2026-11 -o "$data/sql-result.csv" -f "$here/demo-plan.sql")

# The SQL computes the month's own rules; they must equal jili's rules (adjustments aside).
python3 - "$data/result.json" "$data/sql-result.csv" <<'PY'
import csv, json, sys
from decimal import Decimal
jili = {(m["member"], rule): Decimal(v) for m in json.load(open(sys.argv[1]))["members"] for rule, v in m["rules"].items()}
sql = {(r[0], r[1]): Decimal(r[2]) for r in csv.reader(open(sys.argv[2]))}
if jili != sql:
    diff = sorted(set(jili.items()) ^ set(sql.items()))[:10]
    sys.exit(f"SQL and jili differ on {len(set(jili.items()) ^ set(sql.items()))} amounts, e.g. {diff}")
print(f"SQL and jili agree on all {len(jili)} member-rule amounts")
PY
printf "files: %s members, %s orders\n" "$members" "$orders"
printf "wc -l                      %6.2f s\n" "$wc_time"
printf "jili settle (end to end)   %6.2f s   %5.1f x wc -l\n" "$jili_time" "$(echo "$jili_time / $wc_time" | bc -l)"
printf "PostgreSQL load (COPY)     %6.2f s\n" "$load_time"
printf "PostgreSQL compute (SQL)   %6.2f s   jili is %.1f x faster than the SQL alone, %.1f x than load + SQL\n" \
    "$sql_time" "$(echo "$sql_time / $jili_time" | bc -l)" "$(echo "($load_time + $sql_time) / $jili_time" | bc -l)"
