#!/usr/bin/env bash
# The whole suite. pytest's exit 5 (no tests collected) is a failure, never a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
workers=${PYTEST_WORKERS:-2}
"$BIN/python" -m pytest -n "$workers" --dist loadfile -p no:cacheprovider -rs "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$rc"
