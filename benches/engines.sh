#!/usr/bin/env bash
# /ask and Linked Data pages with the graph embedded, in `oxigraph serve` and in a private
# Virtuoso 7, side by side: one release binary, each engine on loopback, loaded with the shipped
# files as tests/remote/run.sh loads them. One client, keep-alive, sequential requests (a Python
# http.client loop, which adds about 0.1 ms per request); the response cache is off so every
# request does its work.
#
#   benches/engines.sh [requests per question or page, default 20]
#
# Prints a Markdown table (README, "Serving over an existing SPARQL engine").
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
source tests/remote/oxigraph.sh
source tests/remote/virtuoso.sh
cargo build --release --quiet
ox_port=7960
vt_port=7961
vt_sql=7962
declare -A fg_ports=([embedded]=7963 [oxigraph]=7964 [virtuoso]=7965)
pids=()
trap 'kill ${pids[*]:-} ${oxigraph_pid:-} 2>/dev/null || true; stop_virtuoso' EXIT
start_oxigraph "$ox_port"
start_virtuoso "$vt_port" "$vt_sql"
declare -A endpoint=([oxigraph]="http://127.0.0.1:$ox_port/query" [virtuoso]="http://127.0.0.1:$vt_port/sparql")
for engine in embedded oxigraph virtuoso; do
  args=(--bind "127.0.0.1:${fg_ports[$engine]}" --cache-bytes 0)
  [[ $engine != embedded ]] && args+=(--sparql-endpoint "${endpoint[$engine]}")
  RUST_LOG=warn target/release/factgraph "${args[@]}" > "target/engines-$engine.log" 2>&1 &
  pids+=($!)
  wait_for_url "http://127.0.0.1:${fg_ports[$engine]}/healthz" 60
done
echo "factgraph $(git rev-parse --short HEAD 2>/dev/null || echo '?'), oxigraph serve 0.5.13, Virtuoso $(dpkg-query -W -f '${Version}' virtuoso-opensource 2>/dev/null || echo '?'), $(nproc) cores, $rounds rounds"
python3 - "$rounds" "${fg_ports[embedded]}" "${fg_ports[oxigraph]}" "${fg_ports[virtuoso]}" <<'PY'
import csv, http.client, statistics, sys, time, urllib.parse
rounds = int(sys.argv[1])
ports = dict(zip(["embedded", "oxigraph serve", "Virtuoso 7"], map(int, sys.argv[2:])))
with open("tests/cases/questions/en.tsv", newline="") as f:
    questions = [row[0] for row in csv.reader(f, delimiter="\t")][1:][:40]
pages = ["/id/audi-brussels", "/id/fact/plant-electric-vehicles-2021", "/def/Plant"]
def measure(port, paths, accept):
    c = http.client.HTTPConnection("127.0.0.1", port)
    times, errors = [], 0
    for _ in range(rounds):
        for path in paths:
            start = time.perf_counter()
            c.request("GET", path, headers={"Accept": accept})
            r = c.getresponse()
            r.read()
            times.append((time.perf_counter() - start) * 1000)
            errors += r.status != 200
    times.sort()
    return statistics.median(times), times[int(0.99 * (len(times) - 1))], errors
work = [
    ("/ask (40 questions)", ["/ask?" + urllib.parse.urlencode({"q": q}) for q in questions], "application/json"),
    ("page, HTML (3 pages)", pages, "text/html"),
    ("page, Turtle (3 pages)", pages, "text/turtle"),
]
print("| work | " + " | ".join(f"{name} p50 / p99 (ms)" for name in ports) + " | errors |")
print("|---|" + "---|" * len(ports) + "---|")
for label, paths, accept in work:
    cells, errors = [], 0
    for name, port in ports.items():
        p50, p99, e = measure(port, paths, accept)
        cells.append(f"{p50:.2f} / {p99:.2f}")
        errors += e
    print(f"| {label} | " + " | ".join(cells) + f" | {errors} |")
PY
