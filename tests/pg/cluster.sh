#!/bin/sh
# A throwaway PostgreSQL for the pg tests: Debian's initdb/pg_ctl in a temporary
# directory, listening on 127.0.0.1 only, no system service.
#
#   tests/pg/cluster.sh start DIR PORT   initdb (once) and start; prints the base URL
#   tests/pg/cluster.sh stop DIR         stop and remove DIR
#
# PG_EXTRA_OPTIONS (environment) adds server settings after these, which it may
# override: the HTTP bench starts with "-c fsync=on" (the tests run with fsync off).
#
# PostgreSQL refuses to run as root: as root the cluster runs as the user "nobody"
# (runuser), which owns DIR. Trust authentication on loopback: DIR is private.
set -eu
cmd=$1 dir=$2
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "no PostgreSQL server: apt-get install postgresql" >&2; exit 1; }
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}
case $cmd in
start)
  port=$3
  # A server left running by an interrupted run is stopped first.
  if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown nobody "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$dir/data" -U haven -A trust -E UTF8 --locale=C.UTF-8 -k >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=300 -c max_locks_per_transaction=256 ${PG_EXTRA_OPTIONS:-}" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgresql://haven@127.0.0.1:$port"
  ;;
stop)
  if [ -f "$dir/data/postmaster.pid" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true; fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
