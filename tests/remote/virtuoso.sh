# Sourced by tests/remote/run.sh and benches/side-by-side.sh: starts a private OpenLink Virtuoso 7
# (Debian's virtuoso-opensource; installed here when missing) on loopback only, with its own ini
# and database under target/virtuoso/, loads every shipped file into the named graph factgraph
# gives it (DB.DBA.TTLP through isql), and sets $virtuoso_pid. The caller stops it
# (stop_virtuoso, in a trap). Virtuoso's own settings are left at Debian's defaults, the
# ResultSetMaxRows cap of 10 000 rows included, since that is what factgraph must cope with.
start_virtuoso() {
  local http_port=$1 sql_port=$2
  if ! command -v virtuoso-t >/dev/null; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource
  fi
  local root
  root=$(pwd)
  virtuoso_dir="$root/target/virtuoso"
  virtuoso_sql_port=$sql_port
  rm -rf "$virtuoso_dir"
  mkdir -p "$virtuoso_dir"
  # Debian's ini with our paths and ports; the SQL and HTTP listeners on 127.0.0.1 only.
  sed -e "s|/var/lib/virtuoso-opensource-7/db|$virtuoso_dir|g" \
      -e "s|^ServerPort *= *1111|ServerPort = 127.0.0.1:$sql_port|" \
      -e "s|^ServerPort *= *8890|ServerPort = 127.0.0.1:$http_port|" \
      -e "s|^DirsAllowed *=.*|DirsAllowed = ., $root/ontology, $root/data|" \
      -e "s|^ServerRoot *=.*|ServerRoot = $virtuoso_dir|" \
      -e "s|^DefaultHost *=.*|DefaultHost = 127.0.0.1:$http_port|" \
      -e "s|^Load[0-9].*||" \
      /etc/virtuoso-opensource-7/virtuoso.ini > "$virtuoso_dir/virtuoso.ini"
  (cd "$virtuoso_dir" && exec virtuoso-t +foreground +configfile "$virtuoso_dir/virtuoso.ini") \
    > "$virtuoso_dir/stdout.log" 2>&1 &
  virtuoso_pid=$!
  wait_for_url "http://127.0.0.1:$http_port/sparql?query=ASK%7B%7D" 60
  local file stem sql=""
  for file in ontology/*.ttl data/*.ttl; do
    stem=$(basename "$file" .ttl)
    sql+="DB.DBA.TTLP(file_to_string_output('$root/$file'), '', 'https://w3id.org/factgraph/graph/$stem', 0);"$'\n'
  done
  sql+="checkpoint;"$'\n'
  virtuoso_isql "$sql"
}

# Runs SQL (statements separated by ';' and newlines) in the private instance; fails on an error.
virtuoso_isql() {
  local out
  out=$(isql-vt "127.0.0.1:$virtuoso_sql_port" dba dba "VERBOSE=OFF" "PROMPT=OFF" \
    "ERRORS=STDOUT" <<<"$1" 2>&1)
  if grep -q "Error" <<<"$out"; then
    echo "$out" >&2
    return 1
  fi
}

# Stops the private instance (and only it).
stop_virtuoso() {
  if [[ -n ${virtuoso_pid:-} ]]; then
    kill "$virtuoso_pid" 2>/dev/null || true
    wait "$virtuoso_pid" 2>/dev/null || true
  fi
}
