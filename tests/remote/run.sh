#!/usr/bin/env bash
# Runs the question and HTTP case files with the graph in another SPARQL engine: `oxigraph
# serve` (the PyPI package `oxigraph`, its own server) on loopback, loaded with the shipped files
# into the same named graphs factgraph uses, with the union of graphs as default graph.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/remote/oxigraph.sh
port=${FACTGRAPH_REMOTE_PORT:-7982}
trap 'kill ${oxigraph_pid:-} 2>/dev/null || true' EXIT
start_oxigraph "$port"
FACTGRAPH_TEST_SPARQL_ENDPOINT="http://127.0.0.1:$port/query" \
  cargo test --test questions --test http_cases
