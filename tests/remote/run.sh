#!/usr/bin/env bash
# Runs the question and HTTP case files with the graph in another SPARQL engine, loaded with the
# shipped files into the same named graphs factgraph uses: `oxigraph serve` (the PyPI package
# `oxigraph`, its own server) or OpenLink Virtuoso 7 (Debian's virtuoso-opensource, a private
# instance with its own ini, ports and directory), both on loopback only.
#   tests/remote/run.sh [oxigraph|virtuoso]    (default: oxigraph)
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/remote/oxigraph.sh
source tests/remote/virtuoso.sh
engine=${1:-oxigraph}
port=${FACTGRAPH_REMOTE_PORT:-7982}
case $engine in
  oxigraph)
    trap 'kill ${oxigraph_pid:-} ${fg_pid:-} 2>/dev/null || true' EXIT
    start_oxigraph "$port"
    endpoint="http://127.0.0.1:$port/query"
    update_url="http://127.0.0.1:$port/update"
    ;;
  virtuoso)
    trap 'kill ${fg_pid:-} 2>/dev/null || true; stop_virtuoso' EXIT
    start_virtuoso "$port" "${FACTGRAPH_REMOTE_SQL_PORT:-7983}"
    endpoint="http://127.0.0.1:$port/sparql"
    # Only for the re-index check below: this private instance lets anonymous SPARQL writes in.
    virtuoso_isql 'GRANT SPARQL_UPDATE TO "SPARQL";'
    update_url=$endpoint
    ;;
  *)
    echo "unknown engine $engine: oxigraph or virtuoso" >&2
    exit 2
    ;;
esac
echo "== question and HTTP case files over $engine"
FACTGRAPH_TEST_SPARQL_ENDPOINT=$endpoint cargo test --test questions --test http_cases

# An engine's data changes behind factgraph: with --reindex-interval the question index is
# rebuilt from it (and the engine's graphs listed again: the label arrives in a new graph). A
# name the graph does not know is refused, then answered once the engine holds it as a label
# of the plant.
cargo build --quiet
fg_port=${FACTGRAPH_REMOTE_FG_PORT:-7986}
target/debug/factgraph --sparql-endpoint "$endpoint" \
  --bind "127.0.0.1:$fg_port" --reindex-interval 1 > "target/remote-reindex-$engine.log" 2>&1 &
fg_pid=$!
wait_for_url "http://127.0.0.1:$fg_port/healthz"
# VoID over the engine counts what the embedded store counts (the engine's own graphs left out).
embedded_triples=$(target/debug/factgraph query --format tsv \
  'SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }' 2>/dev/null \
  | sed -n '2s/^"\{0,1\}\([0-9]*\).*/\1/p')
python3 - "$update_url" "$fg_port" "$embedded_triples" <<'PY'
import json, re, sys, time, urllib.parse, urllib.request
update_url, port, embedded = sys.argv[1:]
void = urllib.request.urlopen(urllib.request.Request(
    f"http://127.0.0.1:{port}/.well-known/void", headers={"Accept": "application/n-triples"})).read().decode()
counted = re.search(r'^<https://w3id.org/factgraph/> <http://rdfs.org/ns/void#triples> "(\d+)"', void, re.M)
assert counted and counted.group(1) == embedded, f"VoID counts {counted and counted.group(1)} triples, embedded {embedded}"
print(f"ok   VoID counts {embedded} triples, as embedded")
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
# The protocol's form post, which both engines take.
urllib.request.urlopen(urllib.request.Request(
    update_url, data=urllib.parse.urlencode({"update": update}).encode(), method="POST",
    headers={"Content-Type": "application/x-www-form-urlencoded"})).read()
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
