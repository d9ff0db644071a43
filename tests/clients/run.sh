#!/usr/bin/env bash
# The real clients' matrix against the debug binary on loopback: SPARQLWrapper (default mode and
# onlyConneg) and rdflib's SPARQLStore from PyPI, Comunica from npm (pinned in
# tests/clients/comunica/package-lock.json), each with every return format it offers for SELECT,
# ASK, CONSTRUCT and DESCRIBE. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m pip install --quiet --disable-pip-version-check sparqlwrapper==2.0.0 rdflib==7.6.0
# Comunica 5 needs Node 20 or later (with undici 7, set in package.json's overrides).
(cd tests/clients/comunica && npm ci --no-audit --no-fund --loglevel=error)
cargo build --quiet
port=${FACTGRAPH_CLIENTS_PORT:-7981}
RUST_LOG=warn target/debug/factgraph --bind "127.0.0.1:$port" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/healthz')" 2>/dev/null && break
  sleep 0.1
done
python3 tests/clients/clients.py "http://127.0.0.1:$port/sparql" tests/clients/comunica/comunica.mjs
