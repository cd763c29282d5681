#!/usr/bin/env bash
# `make install`'s pip step: pip's own chatter goes to a log beside the venv, not to the terminal.
# Why: on a fresh machine `make demo` starts with the install, and pip prints WARNING lines about the machine's
# index settings (an extra index path that does not exist here) and setuptools' editable-install notice. A newcomer
# reads any WARNING as "the demo is broken", and none of them is about sage_looker. A failed install prints the
# log's tail and names the whole log, so nothing is hidden when it matters.
# Usage: scripts/pip_install.sh VENV PIP_INSTALL_ARGS...
set -uo pipefail
venv=$1; shift
log="$venv/install.log"
touch "$log"
start=$(( $(wc -l < "$log") + 1 ))  # this invocation's first line, for the tail on failure
echo "pip install $* (pip's output: $log)"
if ! "$venv/bin/python" -m pip install "$@" >>"$log" 2>&1; then
    tail -n +"$start" "$log" | tail -n 60 >&2
    echo "pip install $* failed: the whole output is in $log" >&2
    exit 1
fi
