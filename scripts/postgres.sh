#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks: loopback only, its own data directory.
#
#   eval "$(bash scripts/postgres.sh start)"   # prints `export SAGE_LOOKER_TEST_PG_URL=postgresql://…`
#   bash scripts/postgres.sh stop             # stops it and deletes its data directory
#   bash scripts/postgres.sh status
#
# Idempotent: `start` on a running server prints its URL again. When no server can be had (no binaries
# and not root, initdb or start failed) `start` exits non-zero and prints
# `export SAGE_LOOKER_TEST_PG_SKIP_REASON=…` instead, so the tests skip with that reason.
# Directory: $SAGE_LOOKER_PG_DIR, else ${SAGE_LOOKER_HOME:-.sage_looker}/pg. The server runs as the
# `postgres` user when this runs as root (postgres refuses to run as root), else as the caller.
# Test settings: trust auth on 127.0.0.1 only, fsync off (a crash loses nothing worth keeping).
set -uo pipefail
cd "$(dirname "$0")/.."

DIR=${SAGE_LOOKER_PG_DIR:-${SAGE_LOOKER_HOME:-.sage_looker}/pg}
mkdir -p "$DIR" && DIR=$(cd "$DIR" && pwd)
DATA=$DIR/data SOCK=$DIR/socket LOG=$DIR/server.log
DB=sage_looker_test PG_USER=postgres

say() { echo "postgres.sh: $*" >&2; }
skip() {  # the reason goes to stdout as an export so callers can hand it to the tests
  say "PostgreSQL not available: $1"
  printf "export SAGE_LOOKER_TEST_PG_SKIP_REASON=%q\n" "$1"
  exit 3
}

find_bindir() {
  local d
  if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/pg_ctl" ]; then echo "$PG_BINDIR"; return; fi
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$d" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  d=$(command -v pg_ctl 2>/dev/null) && [ -x "$(dirname "$d")/initdb" ] && dirname "$d"
}

as_owner() {  # run a server binary as the user that owns the cluster
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url() { echo "postgresql://$PG_USER@127.0.0.1:$(cat "$DIR/port")/$DB"; }

running() { [ -f "$DIR/port" ] && [ -n "${BIN:-}" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

install_server() {
  if [ "$(id -u)" -ne 0 ]; then
    skip "no PostgreSQL server binaries (initdb, pg_ctl) and not root: install the postgresql package"
  fi
  say "installing the postgresql Debian package"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2 ||
    skip "apt-get install postgresql failed"
  BIN=$(find_bindir) || skip "postgresql installed but no initdb/pg_ctl found"
}

start() {
  BIN=$(find_bindir) || install_server
  if running; then
    say "already running on port $(cat "$DIR/port") ($DATA)"
  else
    [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1 && skip "running as root but there is no postgres user"
    if [ ! -f "$DATA/PG_VERSION" ]; then
      rm -rf "$DATA" && mkdir -p "$DATA" "$SOCK"
      [ "$(id -u)" -eq 0 ] && chown -R postgres: "$DIR"
      as_owner "$BIN/initdb" -D "$DATA" -U "$PG_USER" -A trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
        skip "initdb failed: $(tail -n 3 "$DIR/initdb.log" | tr '\n' ' ')"
    fi
    local attempt port
    for attempt in 1 2 3; do  # a free port can be taken between the probe and the bind: retry
      port=$(free_port) || skip "python3 is needed to find a free port"
      as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start -o "-c listen_addresses=127.0.0.1 -p $port \
        -c unix_socket_directories=$SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
        -c max_connections=200" >&2 && { echo "$port" >"$DIR/port"; break; }
      port=
      say "start attempt $attempt failed: $(tail -n 2 "$LOG" 2>/dev/null | tr '\n' ' ')"
    done
    [ -n "$port" ] || skip "pg_ctl start failed (log: $LOG)"
    say "started PostgreSQL $("$BIN/postgres" --version | awk "{print \$3}") on 127.0.0.1:$port ($DATA)"
  fi
  local admin="postgresql://$PG_USER@127.0.0.1:$(cat "$DIR/port")/postgres"
  if ! "$BIN/psql" -qAtX "$admin" -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    "$BIN/psql" -qAtX "$admin" -c "CREATE DATABASE $DB" >&2 || skip "CREATE DATABASE $DB failed"
  fi
  echo "export SAGE_LOOKER_TEST_PG_URL=$(url)"
}

stop() {
  BIN=$(find_bindir) || true
  if running; then
    as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2 || say "pg_ctl stop failed"
  fi
  rm -rf "$DATA" "$SOCK" "$DIR/port" "$LOG" "$DIR/initdb.log"
  rmdir "$DIR" 2>/dev/null || true
  say "stopped ($DIR)"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) BIN=$(find_bindir) || true; if running; then url; else echo "not running" >&2; exit 1; fi ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac
