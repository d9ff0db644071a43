#!/usr/bin/env bash
# Load test: 64 concurrent clients for 30 s on loopback, mixing /sparql and /ask against the
# release binary; fails on any error. Then reports the server's peak memory, and checks that
# SIGTERM makes it exit cleanly.
#
#   benches/soak.sh [seconds, default 30] [clients, default 64]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
clients=${2:-64}
source tests/remote/oxigraph.sh   # for wait_for_url
cargo build --release --quiet
port=7985
RUST_LOG=warn target/release/factgraph --bind "127.0.0.1:$port" > target/soak.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
wait_for_url "http://127.0.0.1:$port/healthz"
cargo bench --quiet --bench load -- --mixed --fail-on-error \
  --target "factgraph=http://127.0.0.1:$port/sparql" \
  --ask "factgraph=http://127.0.0.1:$port/ask" \
  --questions tests/cases/questions/nl.tsv \
  --clients "$clients" --seconds "$seconds"
peak=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
echo "server peak resident memory: $((peak / 1024)) MiB"
kill -TERM "$server"
for _ in $(seq 1 100); do
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$server" 2>/dev/null; then
  echo "the server did not exit within 10 s of SIGTERM" >&2
  exit 1
fi
wait "$server" && echo "SIGTERM: clean exit"
