#!/usr/bin/env bash
# Runs tests/clients/clients.py (SPARQLWrapper, rdflib) against the debug binary on loopback.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m pip install --quiet --disable-pip-version-check sparqlwrapper==2.0.0 rdflib==7.6.0
cargo build --quiet
port=${FACTGRAPH_CLIENTS_PORT:-7981}
RUST_LOG=warn target/debug/factgraph --bind "127.0.0.1:$port" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/healthz')" 2>/dev/null && break
  sleep 0.1
done
python3 tests/clients/clients.py "http://127.0.0.1:$port/sparql"
