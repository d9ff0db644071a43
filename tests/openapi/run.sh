#!/usr/bin/env bash
# The OpenAPI document as the contract: schemathesis (PyPI) generates requests from
# /openapi.json, valid and invalid, and checks every answer against the document (`--checks
# all`: statuses, content types, schemas, that invalid input is refused and valid input
# accepted, no 5xx). It runs against the release binary as a public instance runs (read-only:
# the write operations are described as answered 403). Writes need the on-disk store, whose
# RocksDB build does not fit CI's time in release; their statuses and bodies are checked by
# tests/cases/http/writes*.http instead. tests/openapi/schemathesis.toml says where the
# document cannot express a rule (a format's fit to the query's kind) and what is allowed then.
# Bounded by examples per operation (ST_EXAMPLES, default 40) so CI stays short.
set -euo pipefail
cd "$(dirname "$0")/../.."
examples="${ST_EXAMPLES:-40}"
python3 -m pip install --quiet --disable-pip-version-check 'schemathesis==4.32.5'
cargo build --release --quiet
work="$(mktemp -d)"
# start() runs in a command substitution (a subshell), so it records its service's pid in a
# file: an array it appended to would be lost, and the services would outlive the run.
cleanup() {
  if [[ -f "$work/pids" ]]; then
    while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$work/pids"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Starts the binary on a free port with the given flags; prints the port.
start() {
  local log="$work/service-$RANDOM.log"
  target/release/factgraph --bind 127.0.0.1:0 "$@" >"$log" 2>&1 &
  echo "$!" >>"$work/pids"
  for _ in $(seq 100); do
    if port="$(grep -o 'http://127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f3)" && [[ -n "$port" ]]; then
      echo "$port"
      return
    fi
    sleep 0.1
  done
  cat "$log" >&2
  echo "the service did not start" >&2
  exit 1
}

check() {
  local port="$1"
  shift
  # The hooks give the SPARQL formats real queries; the cache stays out of the tree. One
  # worker: CPython 3.11.7's compile() is not thread-safe (gh-106905, "AST constructor
  # recursion depth mismatch"), and hypothesis compiles lambda sources while generating, so two
  # worker threads once failed CI with a SystemError inside the tool, not in our API.
  (cd "$work" && SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$OLDPWD/tests/openapi" \
    schemathesis --config-file "$OLDPWD/tests/openapi/schemathesis.toml" run "http://127.0.0.1:$port/openapi.json" \
      --checks all --max-examples "$examples" --seed "${ST_SEED:-20261204}" \
      --generation-database none --no-color --workers 1 "$@")
}

echo "== read-only instance"
check "$(start)"
