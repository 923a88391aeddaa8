#!/usr/bin/env bash
# Issue 16: inviting everyone without an account at once, and sending queued messages to a WeChat
# stand-in (Benchmarks/wechat/standin.py) with one sender and with two senders at the same time.
#
#   Benchmarks/db/accounts.sh [MEMBERS] [MESSAGES]      # SQLite, in a temporary folder
#
# Needs a release build: swift build -c release --product jili
set -euo pipefail
members=${1:-100000}
messages=${2:-10000}
root=$(cd "$(dirname "$0")/../.." && pwd)
jili="$root/.build/release/jili"
work=$(mktemp -d)
port=18790
python3 "$root/Benchmarks/wechat/standin.py" "$port" &
standin=$!
trap 'kill $standin 2>/dev/null || true; rm -rf "$work"' EXIT
export JILI_HOME="$root" JILI_DATA="$work/jili.sqlite" JILI_PUBLIC_URL="https://jili.example.com"
"$jili" demo generate --members "$members" --orders 1000 --period 2026-10 --out "$work" > /dev/null
"$jili" import members "$work/members.csv" > /dev/null
/usr/bin/time -f "invite everyone: %e s wall, %M KB" "$jili" accounts invite --without-account --out "$work/invites.csv"
echo "invitations written: $(($(wc -l < "$work/invites.csv") - 1))"

# MESSAGES members with a bound WeChat and a notice each, queued as the app queues them.
sqlite3 "$JILI_DATA" <<SQL
INSERT INTO accounts (username, password_hash, role, member_id, sign_in_version, wechat_openid, created_at)
  SELECT 'bench' || id, '', 'agent', id, 0, 'oBench' || id, strftime('%s', 'now') FROM members
  WHERE id NOT IN (SELECT member_id FROM accounts WHERE member_id IS NOT NULL) ORDER BY id LIMIT $messages;
SQL
queue() {
  sqlite3 "$JILI_DATA" <<SQL
INSERT INTO notices (member_id, message, "values", link, event, created_at)
  SELECT member_id, 'notice_text', '{"text":"基准消息"}', '/notices', 'bench:$1:' || member_id, strftime('%s', 'now') FROM accounts WHERE username LIKE 'bench%';
INSERT INTO outbox (notice_id, channel, payload, status, attempts, created_at)
  SELECT id, 'wechat_template', json_object('member_id', member_id, 'template', 'notice_text', 'values', json_object('text', '基准消息'),
         'link', '/notices#$1-' || id), 'pending', 0, strftime('%s', 'now') FROM notices WHERE event LIKE 'bench:$1:%';
SQL
}
export JILI_WECHAT_APPID=wxstandin00000001 JILI_WECHAT_SECRET=standin-secret-0123456789abcdef
export JILI_WECHAT_API="http://127.0.0.1:$port" JILI_WECHAT_OPEN="http://127.0.0.1:$port" JILI_WECHAT_TEMPLATES='{"default": "TPL-BENCH"}'
sqlite3 "$JILI_DATA" "UPDATE outbox SET status = 'sent'"   # what the import's notices queued: not part of the figure
queue one
echo "queued: $(sqlite3 "$JILI_DATA" "SELECT COUNT(*) FROM outbox WHERE status = 'pending'")"
/usr/bin/time -f "one sender: %e s wall, %M KB" "$jili" messages send
curl -s "http://127.0.0.1:$port/_standin/stats"; echo
queue two
/usr/bin/time -f "sender A: %e s wall" "$jili" messages send & a=$!
/usr/bin/time -f "sender B: %e s wall" "$jili" messages send & b=$!
wait $a $b
curl -s "http://127.0.0.1:$port/_standin/stats"; echo
sqlite3 "$JILI_DATA" "SELECT status, COUNT(*) FROM outbox GROUP BY status"
