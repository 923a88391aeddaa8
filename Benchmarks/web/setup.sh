#!/usr/bin/env bash
# Builds (or reuses) the payday database of issue 18 for Benchmarks/web/walk.py: a generated team of
# MEMBERS members and ORDERS orders over August–October 2026 brought in with `jili import`, October
# settled and approved, the promotion ladder evaluated for October, and accounts for each role:
#
#   boss      the leader (made through the first-visit form, as a team would)
#   director  the operations director (a member near the top)
#   manager   a sales manager of the largest branch under the leader
#   finance   finance (staff, no member)
#   a1…a1000  agents: 1,000 members who sold in October, spread over the team (most are near the
#             bottom of the tree, as most agents are), for the concurrent mix
#
# Every account has the password big-team-2026. Only the leader's is hashed by the app; the others
# copy its hash (1,004 bcrypt hashings at cost 12 would take minutes and measure nothing).
#
#   Benchmarks/web/setup.sh DIR [MEMBERS] [ORDERS]                      # SQLite: DIR/jili.sqlite
#   DATABASE_URL=postgres://…/jili_web Benchmarks/web/setup.sh DIR      # PostgreSQL (an empty database)
#
# DIR/ready marks a database built; running again reuses it. Needs a release build.
set -euo pipefail
dir=$1
members=${2:-100000}
orders=${3:-1000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
jili="$root/.build/release/jili"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
[ -f "$dir/ready" ] && { echo "reusing $dir ($(cat "$dir/ready"))"; exit 0; }
export JILI_HOME="$root"
if [ -z "${DATABASE_URL:-}" ]; then export JILI_DATA="$dir/jili.sqlite"; rm -f "$JILI_DATA"*; fi
sql() {
  if [ -n "${DATABASE_URL:-}" ]; then psql -qAt -v ON_ERROR_STOP=1 "${DATABASE_URL%%\?*}" -c "$1"
  else sqlite3 "$JILI_DATA" "$1"; fi
}
now_sql() { if [ -n "${DATABASE_URL:-}" ]; then echo "now()"; else echo "strftime('%s', 'now')"; fi; }

"$jili" demo generate --members "$members" --orders "$orders" --period 2026-10 --out "$dir/files" > /dev/null
for kind in members orders refunds; do
  /usr/bin/time -f "import $kind: %e s, %M KB" "$jili" import "$kind" "$dir/files/$kind.csv" > /dev/null
done
"$jili" pay plan "$dir/files/plan.json" --from 2026-01 > /dev/null
/usr/bin/time -f "pay run: %e s, %M KB" "$jili" pay run --month 2026-10 > /dev/null
/usr/bin/time -f "pay approve: %e s, %M KB" "$jili" pay approve --month 2026-10 > /dev/null
"$jili" promotion ladder "$root/Benchmarks/db/ladder.json" > /dev/null
/usr/bin/time -f "promotion evaluate: %e s, %M KB" "$jili" promotion evaluate --month 2026-10 > /dev/null

# The leader, through the first-visit form.
port=18799
"$jili" serve --port $port > "$dir/setup-serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.2; done
jar=$(mktemp)
token=$(curl -s -c "$jar" -b "$jar" "http://127.0.0.1:$port/setup" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "_csrf=$token" --data-urlencode "name=Boss" \
  --data-urlencode "username=boss" --data-urlencode "password=big-team-2026" "http://127.0.0.1:$port/setup")
rm -f "$jar"
kill $server; wait $server 2>/dev/null || true
trap - EXIT
[ "$status" = 303 ] || { echo "the first-visit form answered $status" >&2; exit 1; }

# The other roles. The leader's member and the largest branch right under them.
leader=$(sql "SELECT member_id FROM accounts WHERE username = 'boss'")
lpath=$(sql "SELECT path FROM members WHERE id = $leader")
branch=$(sql "SELECT c.id FROM members c WHERE c.sponsor_id = $leader ORDER BY
  (SELECT COUNT(*) FROM members d WHERE d.path LIKE c.path || '%') DESC, c.id LIMIT 1")
director=$(sql "SELECT id FROM members WHERE sponsor_id = $leader AND id <> $branch ORDER BY id LIMIT 1")
hash=$(sql "SELECT password_hash FROM accounts WHERE username = 'boss'")
now=$(now_sql)
sql "INSERT INTO accounts (username, password_hash, role, member_id, sign_in_version, created_at) VALUES
  ('director', '$hash', 'director', $director, 0, $now),
  ('manager', '$hash', 'salesManager', $branch, 0, $now);
INSERT INTO accounts (username, password_hash, role, display_name, sign_in_version, created_at) VALUES
  ('finance', '$hash', 'finance', '钱会计', 0, $now);
INSERT INTO accounts (username, password_hash, role, member_id, sign_in_version, created_at)
  SELECT 'a' || ROW_NUMBER() OVER (ORDER BY m.id), '$hash', 'agent', m.id, 0, $now FROM members m
  WHERE m.id NOT IN ($leader, $director, $branch) AND m.path LIKE '$lpath%' AND m.status = 'active'
    AND m.id IN (SELECT member_id FROM orders WHERE period = '2026-10')
  ORDER BY (m.id * 7919) % 100003, m.id LIMIT 1000;"
echo "accounts: $(sql "SELECT role || ' ' || COUNT(*) FROM accounts GROUP BY role ORDER BY role" | tr '\n' ' ')"
echo "manager's branch: $(sql "SELECT COUNT(*) FROM members WHERE path LIKE (SELECT path FROM members WHERE id = $branch) || '%'") members"
echo "$members members, $orders orders, $(date -u +%FT%TZ)" > "$dir/ready"
