#!/usr/bin/env bash
# Side-by-side benchmark: factgraph and `oxigraph serve` (PyPI `oxigraph`, the engine's own
# server) loaded with the same files, on loopback, in the same run, at 1 and 32 concurrent
# connections; then /ask against sending the SPARQL it generates to oxigraph serve.
#
#   benches/side-by-side.sh [seconds per measurement, default 5]
#
# Both servers keep everything in memory. Prints Markdown tables (see benches/load.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
python3 -m pip install --quiet --disable-pip-version-check oxigraph==0.5.13
cargo build --release --quiet
mkdir -p target
fg_port=7983
ox_port=7984
RUST_LOG=warn target/release/factgraph --bind "127.0.0.1:$fg_port" > target/side-by-side-factgraph.log 2>&1 &
fg=$!
oxigraph serve --bind "127.0.0.1:$ox_port" --union-default-graph > target/side-by-side-oxigraph.log 2>&1 &
ox=$!
trap 'kill $fg $ox 2>/dev/null || true' EXIT
wait_for() {
  for _ in $(seq 1 200); do
    python3 -c "import urllib.request; urllib.request.urlopen('$1')" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "not answering: $1" >&2
  return 1
}
wait_for "http://127.0.0.1:$fg_port/healthz"
wait_for "http://127.0.0.1:$ox_port/query?query=ASK%7B%7D"
# The same files in the same named graphs as factgraph, the union as default graph.
for file in ontology/*.ttl data/*.ttl; do
  stem=$(basename "$file" .ttl)
  python3 - "$ox_port" "$file" "https://w3id.org/factgraph/graph/$stem" <<'PY'
import sys, urllib.parse, urllib.request
port, path, graph = sys.argv[1:]
url = f"http://127.0.0.1:{port}/store?graph={urllib.parse.quote(graph, safe='')}"
request = urllib.request.Request(url, data=open(path, "rb").read(), method="POST",
                                 headers={"Content-Type": "text/turtle"})
urllib.request.urlopen(request).read()
PY
done
echo "factgraph $(git rev-parse --short HEAD 2>/dev/null || echo '?'), oxigraph serve 0.5.13, $(nproc) cores, ${seconds}s per cell"
cargo bench --quiet --bench load -- \
  --target "factgraph=http://127.0.0.1:$fg_port/sparql" \
  --target "oxigraph=http://127.0.0.1:$ox_port/query" \
  --ask "factgraph=http://127.0.0.1:$fg_port/ask" --ask-sparql \
  --questions tests/cases/questions/en.tsv \
  --clients 1,32 --seconds "$seconds"
