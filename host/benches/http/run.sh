#!/usr/bin/env bash
# HTTP load figures: presence reads, durable presence changes and durable chat messages,
# with p50/p99, using wrk
# (Debian's `wrk` package) on loopback against a release host with the demo site.
#
#   cargo build --release -p helpdesk-host && host/benches/http/run.sh [HOST_BINARY] [DATA_DIR]
#
# DATA_DIR defaults to a new temporary directory with the demo site; pass a prepared one (for
# example the 10,000-agent site the presence_scale bench leaves behind) to load that instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${1:-$here/../../../target/release/helpdesk-host}
data=${2:-$(mktemp -d)}
duration=${DURATION:-15s}
port=${PORT:-18080}
base="http://127.0.0.1:$port"

# The visitors below come through a "proxy" (X-Forwarded-For), each from an address of its
# own, as customers of a real site do; from one address they would meet its start limit.
"$binary" --data-dir "$data" --listen "127.0.0.1:$port" --trusted-proxy 127.0.0.1 >/dev/null 2>"$data/host.log" &
host=$!
trap 'kill $host 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "$base/api/v1/openapi.json" >/dev/null && break; sleep 0.2; done

login() {
  curl -sf -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"user\":\"$1\",\"password\":\"demo\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
export TOKEN
TOKEN=$(login paula)
echo "== presence read (GET /projects/SUP/presence as a project admin), 64 connections"
wrk -t2 -c64 -d"$duration" --latency -H "Authorization: Bearer $TOKEN" "$base/api/v1/projects/SUP/presence"
echo "== chat status read (GET /projects/SUP/chat-status, anonymous), 64 connections"
wrk -t2 -c64 -d"$duration" --latency "$base/api/v1/projects/SUP/chat-status"
TOKEN=$(login alice)
for connections in 64 512; do
  echo "== durable presence change (POST .../presence/online|offline), $connections connections"
  wrk -t2 -c"$connections" -d"$duration" --latency -s "$here/presence_toggle.lua" "$base"
done

# Live chat: bob is online, so the conversations are live ones (an offline message's answers
# would also each queue a mail).
TOKEN=$(login bob)
curl -sf -X POST "$base/api/v1/projects/SUP/presence/online" -H "Authorization: Bearer $TOKEN" \
  -H 'content-type: application/json' -d '{}' >/dev/null
echo "== starting 64 conversations (64 visitors on the portal, bob online)"
ids=""
for i in $(seq 64); do
  id=$(curl -sf -X POST "$base/api/v1/projects/SUP/chat/conversations" -H 'content-type: application/json' \
    -H 'sec-fetch-site: same-origin' -H "x-visitor-token: bench-visitor-token-$i-xxxxxxxxxx" \
    -H "x-forwarded-for: 198.51.100.$i" \
    -d "{\"client_id\":\"start\",\"body\":\"Hello\",\"page_url\":null,\"email\":\"v$i@example.test\"}" \
    | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
  ids="$ids $id"
done
export CONVERSATIONS=$ids
for connections in 64 512; do
  echo "== durable chat message (POST /chat/conversations/{id}/messages as an agent, 64 conversations), $connections connections"
  wrk -t2 -c"$connections" -d"$duration" --latency -s "$here/chat_message.lua" "$base"
done
