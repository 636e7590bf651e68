#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster on loopback, for tests and local runs (DESIGN.md's recipe).
#
#   scripts/postgres.sh start DIR    initdb DIR/data on first use, start it, print its URL
#   scripts/postgres.sh stop DIR     stop it (DIR is kept: `start DIR` again reuses data and port)
#   scripts/postgres.sh destroy DIR  stop it and delete DIR
#   scripts/postgres.sh bindir       print where the binaries are; exit 3 when there are none
#
# PG_BINDIR overrides where the binaries are looked for. As root, the server runs as the
# `postgres` OS user (PostgreSQL refuses to run as root).
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }

find_bindir() {
  local candidates=("${PG_BINDIR:-}" /usr/lib/postgresql/15/bin)
  if command -v pg_config >/dev/null 2>&1; then candidates+=("$(pg_config --bindir)"); fi
  candidates+=(/usr/lib/postgresql/*/bin)
  if command -v initdb >/dev/null 2>&1; then candidates+=("$(dirname "$(command -v initdb)")"); fi
  local dir
  for dir in "${candidates[@]}"; do
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

# Runs a command as the postgres OS user when we are root, else as ourselves.
as_pg() {
  if [ "$(id -u)" != 0 ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  else
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

free_port() {
  node -e "const s = require('node:net').createServer();
    s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

cmd_start() {
  local dir=$1 bindir port attempt
  bindir=$(find_bindir) || die "PostgreSQL binaries not found (install the postgresql package, or set PG_BINDIR)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs a 'postgres' OS user (PostgreSQL refuses root)"
    chown postgres "$dir"
  fi
  chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg "$bindir/initdb" -D "$dir/data" --auth=trust --no-sync -U postgres -E UTF8 --no-locale \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  if [ -f "$dir/port" ] && as_pg "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
    return 0
  fi
  # A restarted cluster keeps its port, so URLs handed out before stay valid.
  for attempt in 1 2 3; do
    port=$(cat "$dir/port" 2>/dev/null || free_port)
    if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 -o \
      "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
      start >/dev/null; then
      echo "$port" >"$dir/port"
      echo "postgresql://postgres@127.0.0.1:$port/postgres"
      return 0
    fi
    # Another process may have taken the free port between choosing and binding: pick again.
    [ -f "$dir/port" ] && break
  done
  tail -n 20 "$dir/postgres.log" >&2 || true
  die "pg_ctl start failed (log: $dir/postgres.log)"
}

cmd_stop() {
  local dir=$1 bindir
  bindir=$(find_bindir) || die "PostgreSQL binaries not found"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_pg "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
}

case "${1:-}" in
  start) [ -n "${2:-}" ] || die "usage: $0 start DIR"; cmd_start "$2" ;;
  stop) [ -n "${2:-}" ] || die "usage: $0 stop DIR"; cmd_stop "$2" ;;
  destroy) [ -n "${2:-}" ] || die "usage: $0 destroy DIR"; cmd_stop "$2"; rm -rf "$2" ;;
  bindir) find_bindir || exit 3 ;;
  *) die "usage: $0 start|stop|destroy DIR, or $0 bindir" ;;
esac
