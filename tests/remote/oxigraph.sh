# Sourced by tests/remote/run.sh and benches/side-by-side.sh: starts `oxigraph serve` (PyPI
# `oxigraph`) in memory on 127.0.0.1:$1 with the union of graphs as default graph, loads every
# shipped file into the named graph factgraph gives it, and sets $oxigraph_pid. The caller kills
# it (trap).
start_oxigraph() {
  local port=$1
  python3 -m pip install --quiet --disable-pip-version-check oxigraph==0.5.13
  mkdir -p target
  oxigraph serve --bind "127.0.0.1:$port" --union-default-graph > target/oxigraph-serve.log 2>&1 &
  oxigraph_pid=$!
  wait_for_url "http://127.0.0.1:$port/query?query=ASK%7B%7D"
  local file stem
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
}

# Waits up to $2 seconds (20 by default) for a URL to answer.
wait_for_url() {
  for _ in $(seq 1 $((${2:-20} * 10))); do
    python3 -c "import urllib.request; urllib.request.urlopen('$1')" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "not answering: $1" >&2
  return 1
}
