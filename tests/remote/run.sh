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

# An engine's data changes behind factgraph: with --reindex-interval the question index is
# rebuilt from it. A name the graph does not know is refused, then answered once the engine
# holds it as a label of the plant.
cargo build --quiet
fg_port=${FACTGRAPH_REMOTE_FG_PORT:-7986}
target/debug/factgraph --sparql-endpoint "http://127.0.0.1:$port/query" \
  --bind "127.0.0.1:$fg_port" --reindex-interval 1 > target/remote-reindex.log 2>&1 &
fg_pid=$!
trap 'kill ${oxigraph_pid:-} ${fg_pid:-} 2>/dev/null || true' EXIT
wait_for_url "http://127.0.0.1:$fg_port/healthz"
python3 - "$port" "$fg_port" <<'PY'
import json, sys, time, urllib.parse, urllib.request
engine, port = sys.argv[1:]
question = "Hoeveel elektrische auto's rolden er in 2021 in de Zuiderfabriek van de band?"
def ask():
    url = f"http://127.0.0.1:{port}/ask?" + urllib.parse.urlencode({"q": question})
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    return json.load(urllib.request.urlopen(request))
before = ask()
assert not before["answered"], f"answered before the engine knew the name: {before['answer']}"
update = """INSERT DATA { GRAPH <https://w3id.org/factgraph/graph/reindex-test> {
  <https://w3id.org/factgraph/id/audi-brussels>
    <http://www.w3.org/2004/02/skos/core#altLabel> "Zuiderfabriek"@nl } }"""
urllib.request.urlopen(urllib.request.Request(
    f"http://127.0.0.1:{engine}/update", data=update.encode(), method="POST",
    headers={"Content-Type": "application/sparql-update"})).read()
deadline = time.time() + 30
while True:
    after = ask()
    if after["answered"] or time.time() > deadline:
        break
    time.sleep(0.5)
values = [v["value"] for v in after["values"]]
assert after["answered"] and values == ["43866"], f"after the rebuild: {after['answer']} {values}"
print("ok   a label added in the engine is answered after --reindex-interval")
PY
