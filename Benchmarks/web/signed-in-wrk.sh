#!/usr/bin/env bash
# Signs in to a running Jili as a person would (the form, its CSRF token) and runs wrk on a page with
# that session. Usage: Benchmarks/web/signed-in-wrk.sh BASE_URL LOGIN PASSWORD PATH [wrk options...]
# Example: Benchmarks/web/signed-in-wrk.sh http://127.0.0.1:8095 boss big-team-2026 /contests/1 -t2 -c50 -d30s
set -euo pipefail
base=$1 login=$2 password=$3 path=$4
shift 4
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
token=$(curl -s -c "$jar" -b "$jar" "$base/signin" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" --data-urlencode "_csrf=$token" \
  --data-urlencode "login=$login" --data-urlencode "password=$password" --data-urlencode "next=/dashboard" "$base/signin")
[ "$status" = 303 ] || { echo "signing in as $login gave $status" >&2; exit 1; }
cookie=$(awk '$6 == "jili_session" { print $7 }' "$jar")
curl -s -o /dev/null -w "first look: %{http_code} in %{time_total}s, %{size_download} bytes\n" -H "Cookie: jili_session=$cookie" "$base$path"
wrk --latency "$@" -H "Cookie: jili_session=$cookie" "$base$path"
