#!/usr/bin/env bash
# The whole suite. pytest's exit 5 (no tests collected) is a failure, never a pass.
# A throwaway PostgreSQL server (scripts/postgres.sh) runs for the PostgreSQL tests unless
# SAGE_LOOKER_TEST_PG_URL already names one (or SAGE_LOOKER_TEST_PG=0). When it cannot start, the run goes
# on and those tests skip with the reason (SAGE_LOOKER_TEST_PG_SKIP_REASON): skipped, never passed.
# Any skip fails the run (sage_looker_tests/skip_policy.py): a check that did not happen is not a pass.
# SAGE_LOOKER_TEST_NO_SKIPS=0 accepts skips on a machine that cannot have PostgreSQL or Chromium.
set -uo pipefail
export SAGE_LOOKER_TEST_NO_SKIPS=${SAGE_LOOKER_TEST_NO_SKIPS:-1}
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
workers=${PYTEST_WORKERS:-2}

pg_dir=
stop_pg() {
  if [ -n "$pg_dir" ]; then
    SAGE_LOOKER_PG_DIR=$pg_dir bash scripts/postgres.sh stop || true
    pg_dir=
  fi
}
if [ -z "${SAGE_LOOKER_TEST_PG_URL:-}" ] && [ "${SAGE_LOOKER_TEST_PG:-1}" != 0 ]; then
  # A server of its own per run (own directory and port): concurrent runs never stop each other's server.
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/sage_looker_pg.XXXXXX")
  trap stop_pg EXIT
  trap 'exit 130' INT TERM
  pg_started=$(date +%s)
  if pg_env=$(SAGE_LOOKER_PG_DIR=$pg_dir bash scripts/postgres.sh start); then
    eval "$pg_env"
    echo "test.sh: PostgreSQL ready in $(( $(date +%s) - pg_started ))s: $SAGE_LOOKER_TEST_PG_URL" >&2
  else
    eval "$pg_env"  # exports SAGE_LOOKER_TEST_PG_SKIP_REASON for the skip messages
    echo "test.sh: no PostgreSQL server: the PostgreSQL tests will skip (and fail the run unless SAGE_LOOKER_TEST_NO_SKIPS=0)" >&2
  fi
fi

"$BIN/python" -m pytest -n "$workers" --dist loadfile -p no:cacheprovider -rs "$@"
rc=$?
stop_pg
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$rc"
