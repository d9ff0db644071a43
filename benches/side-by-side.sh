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
source tests/remote/oxigraph.sh
cargo build --release --quiet
fg_port=7983
ox_port=7984
RUST_LOG=warn target/release/factgraph --bind "127.0.0.1:$fg_port" > target/side-by-side-factgraph.log 2>&1 &
fg=$!
trap 'kill $fg ${oxigraph_pid:-} 2>/dev/null || true' EXIT
wait_for_url "http://127.0.0.1:$fg_port/healthz"
start_oxigraph "$ox_port"
echo "factgraph $(git rev-parse --short HEAD 2>/dev/null || echo '?'), oxigraph serve 0.5.13, $(nproc) cores, ${seconds}s per cell"
cargo bench --quiet --bench load -- \
  --target "factgraph=http://127.0.0.1:$fg_port/sparql" \
  --target "oxigraph=http://127.0.0.1:$ox_port/query" \
  --ask "factgraph=http://127.0.0.1:$fg_port/ask" --ask-sparql \
  --questions tests/cases/questions/en.tsv \
  --clients 1,32 --seconds "$seconds"
