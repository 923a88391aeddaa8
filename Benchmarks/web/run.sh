#!/usr/bin/env bash
# Payday at 100,000 members (issue 18): every page of every role, then thousands of agents at once.
#
#   Benchmarks/web/run.sh DIR                                   # SQLite, DIR/jili.sqlite
#   DATABASE_URL=postgres://…/jili_web Benchmarks/web/run.sh DIR  # PostgreSQL
#
# Builds the database with setup.sh (or reuses DIR's), serves it in release on port 18800 with the
# clock on 20 November 2026 (October approved, November open), walks each role's pages twice (the
# first walk is the first look after a start; the second, what everyone after sees), signs in
# 1,000 agents and runs wrk (100 connections, 15 s) on an agent's home page, statement and points,
# each request as another agent, then the three mixed. Needs a release build and wrk.
set -euo pipefail
dir=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/Benchmarks/web"
"$here/setup.sh" "$dir"
dir=$(cd "$dir" && pwd)
export JILI_HOME="$root"
[ -z "${DATABASE_URL:-}" ] && export JILI_DATA="$dir/jili.sqlite"
port=18800 base=http://127.0.0.1:18800
JILI_NOW=2026-11-20T10:00:00+08:00 "$root/.build/release/jili" serve --allow-jili-now --port $port > "$dir/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -sf "$base/readyz" > /dev/null && break; sleep 0.2; done
# The team's figures and the open month's estimate, computed by the server's background at start
# when the database has none (an import computes them too): wait for the first round.
for _ in $(seq 600); do curl -s "$base/metrics" | grep -q 'jili_job_runs_total{job="figures",result="ok"}' && break; sleep 0.5; done
echo "== first walk (after a start)"
python3 "$here/walk.py" $base | sed -n '/^$/,$p'
echo "== second walk"
python3 "$here/walk.py" $base | sed -n '/^$/,$p'
python3 "$here/walk.py" $base --sessions "$dir/agents.txt" --count 1000
for paths in /dashboard /statements/2026-10 /points /dashboard,/statements/2026-10,/points; do
  echo "== wrk -t2 -c100 -d15s, 1,000 agents: $paths"
  JILI_SESSIONS="$dir/agents.txt" JILI_PATHS=$paths wrk -t2 -c100 -d15s --timeout 10s -s "$here/agents.lua" $base | grep -E "sessions|Socket|Non-2xx"
done
echo "peak memory of jili serve: $(grep VmHWM /proc/$server/status | awk '{print $2, $3}')"
