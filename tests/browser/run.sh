#!/usr/bin/env bash
# Builds the binary, serves the shipped graph on a free loopback port, and runs the browser
# tests (node's test runner, Playwright driving Debian's Chromium) against it.
#   tests/browser/run.sh            all tests
#   tests/browser/run.sh home       only tests/browser/home.test.mjs
# Screenshots land in target/browser/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

if [[ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]]; then
  echo "run.sh: no Chromium at ${CHROMIUM:-/usr/bin/chromium}; install Debian's: apt-get install -y chromium" >&2
  exit 1
fi

cargo build --quiet
binary="$repo/target/debug/factgraph"

# A free port: bind port 0, read what the kernel gave, release it.
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
log="$repo/target/browser/server.log"
mkdir -p "$repo/target/browser"
"$binary" serve --bind "127.0.0.1:$port" > "$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT

url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  if curl -fsS "$url/healthz" > /dev/null 2>&1; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "run.sh: the server stopped during start-up:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done
curl -fsS "$url/healthz" > /dev/null || { echo "run.sh: $url/healthz never answered" >&2; exit 1; }
echo "run.sh: factgraph serves at $url"

cd "$here"
npm ci --no-audit --no-fund --loglevel=error
files=()
for name in "$@"; do files+=("$name.test.mjs"); done
FACTGRAPH_URL="$url" SCREENSHOT_DIR="$repo/target/browser" node --test "${files[@]}"
