#!/usr/bin/env bash
# Runs the question and HTTP case files with the graph in another SPARQL engine: `oxigraph
# serve` (the PyPI package `oxigraph`, its own server) on loopback, loaded with the shipped files
# into the same named graphs factgraph uses, with the union of graphs as default graph.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m pip install --quiet --disable-pip-version-check oxigraph==0.5.13
port=${FACTGRAPH_REMOTE_PORT:-7982}
oxigraph serve --bind "127.0.0.1:$port" --union-default-graph > target/oxigraph-serve.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/query?query=ASK%7B%7D')" 2>/dev/null && break
  sleep 0.1
done
for file in ontology/*.ttl data/*.ttl; do
  stem=$(basename "$file" .ttl)
  python3 - "$port" "$file" "https://w3id.org/factgraph/graph/$stem" <<'PY'
import sys, urllib.parse, urllib.request
port, path, graph = sys.argv[1:]
url = f"http://127.0.0.1:{port}/store?graph={urllib.parse.quote(graph, safe='')}"
request = urllib.request.Request(url, data=open(path, "rb").read(), method="POST",
                                 headers={"Content-Type": "text/turtle"})
urllib.request.urlopen(request).read()
PY
done
FACTGRAPH_TEST_SPARQL_ENDPOINT="http://127.0.0.1:$port/query" \
  cargo test --test questions --test http_cases
