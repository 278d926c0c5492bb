#!/usr/bin/env bash
# postgres.sh: a throwaway PostgreSQL cluster for tests, on a free loopback port.
#
#   postgres.sh start DIR      starts a new cluster and prints the URL of its empty database
#                              ensign_test (also kept in DIR/url)
#   postgres.sh stop DIR       stops the cluster started with DIR and deletes it and DIR
#   postgres.sh psql DIR ARGS  runs psql on that database with ARGS
#
# The cluster lives in its own temporary folder (DIR/cluster names it), since as root the server
# must run as the postgres user (initdb refuses root) and may not be able to enter DIR. The
# superuser `ensign` is trusted from 127.0.0.1; any other role must give its password, so tests
# can see a refused login. Exit 3: PostgreSQL is not installed (ENSIGN_POSTGRES_BIN overrides
# where its programs are looked for); 4: the cluster did not start.
set -euo pipefail

usage() {
  echo "usage: postgres.sh start DIR | stop DIR | psql DIR ARGS..." >&2
  exit 2
}
[[ $# -ge 2 && -n $2 ]] || usage
command=$1
dir=$2
shift 2

# find_bin sets bin to the folder of PostgreSQL's programs, or exits 3.
find_bin() {
  bin=${ENSIGN_POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
  if [[ -z $bin || ! -x $bin/initdb || ! -x $bin/pg_ctl || ! -x $bin/psql ]]; then
    echo "postgres.sh: PostgreSQL is not installed (no initdb, pg_ctl and psql in" \
      "'${bin:-/usr/lib/postgresql/*/bin}')" >&2
    exit 3
  fi
}

# as_server runs a command as the user the server runs as.
as_server() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# port_in_use PORT: something accepts connections on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  find_bin
  stop  # whatever an earlier, interrupted run left in DIR
  mkdir -p "$dir"
  local cluster attempt port
  cluster=$(mktemp -d "${TMPDIR:-/tmp}/ensign-postgres-XXXXXX")
  echo "$cluster" > "$dir/cluster"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres "$cluster"
  fi
  as_server "$bin/initdb" -D "$cluster/data" -A trust -U ensign --no-sync >"$cluster/initdb.log" 2>&1 ||
    { cat "$cluster/initdb.log" >&2; exit 4; }
  printf '%s\n' 'local all all trust' 'host all ensign 127.0.0.1/32 trust' \
    'host all all 127.0.0.1/32 scram-sha-256' > "$cluster/pg_hba.conf"
  cp "$cluster/pg_hba.conf" "$cluster/data/pg_hba.conf"
  # Two test runs may pick the same free port at once: the loser's server does not start, and it
  # tries another. fsync is off: the cluster is thrown away, and tests wait for no disk
  # (benchmarks set ENSIGN_POSTGRES_FSYNC=on to measure durable commits).
  for attempt in $(seq 1 20); do
    port=$((20000 + RANDOM % 30000))
    port_in_use "$port" && continue
    if as_server "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 30 \
        -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=${ENSIGN_POSTGRES_FSYNC:-off}" start >/dev/null 2>&1; then
      echo "$port" > "$dir/port"
      "$bin/psql" -q -X -h 127.0.0.1 -p "$port" -U ensign -d postgres \
        -c 'CREATE DATABASE ensign_test' >/dev/null
      echo "postgresql://ensign@127.0.0.1:$port/ensign_test" | tee "$dir/url"
      return 0
    fi
  done
  cat "$cluster/server.log" >&2 || true
  exit 4
}

stop() {
  [[ -f $dir/cluster ]] || { rm -rf "$dir"; return 0; }
  local cluster
  cluster=$(cat "$dir/cluster")
  [[ $cluster == */ensign-postgres-* ]] || { echo "postgres.sh: $dir/cluster is not ours" >&2; exit 2; }
  if [[ -f $cluster/data/postmaster.pid ]]; then
    find_bin
    as_server "$bin/pg_ctl" -D "$cluster/data" -w -t 30 -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$cluster" "$dir"
}

case $command in
  start) start ;;
  stop) stop ;;
  psql) find_bin && exec "$bin/psql" -X -v ON_ERROR_STOP=1 "$(cat "$dir/url")" "$@" ;;
  *) usage ;;
esac
