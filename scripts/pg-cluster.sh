#!/usr/bin/env bash
# Start or stop a throwaway PostgreSQL cluster on loopback for tests, the demo and development.
#
#   scripts/pg-cluster.sh start DIR [PORT]   initdb DIR (if new) and start it; prints the conninfo
#   scripts/pg-cluster.sh stop DIR           stop the cluster in DIR
#   scripts/pg-cluster.sh env DIR            print `export OU_TEST_PG_URI=...` for a running cluster
#
# PostgreSQL refuses to run as root, so when run as root the cluster belongs to the `postgres` system
# user (created by the Debian package). The socket lives in DIR, the server listens on 127.0.0.1 only,
# and local connections are trusted (nothing but this machine can reach it).
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|env DIR [PORT]" >&2; exit 2; }

pgbin=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/pg_ctl" ] && pgbin=$candidate
done
[ -n "$pgbin" ] || { echo "pg-cluster: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 3; }

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

conninfo() {
  local port
  port=$(cat "$dir/port")
  echo "host=$dir/run port=$port user=postgres dbname=postgres"
}

case "$cmd" in
  start)
    port=${3:-0}
    if [ "$port" = 0 ]; then
      port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    as_owner mkdir -p "$dir/run"
    echo "$port" >"$dir/port.tmp" && mv "$dir/port.tmp" "$dir/port"
    as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir/run -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    conninfo
    ;;
  stop)
    [ -f "$dir/data/PG_VERSION" ] || exit 0
    as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    ;;
  env)
    echo "export OU_TEST_PG_URI='$(conninfo)'"
    ;;
  *)
    echo "usage: $0 start|stop|env DIR [PORT]" >&2
    exit 2
    ;;
esac
