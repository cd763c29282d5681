"""Processes a test starts stop on SIGTERM even when the test run itself was started in the background.

A shell without job control (CI's runner, `nohup make test &`) starts the run with SIGINT ignored, every child
inherits that, and Dagster maps SIGTERM onto SIGINT's handler: fresh clones' `make test` showed the browser
module's `dagster dev` ignoring SIGTERM for its whole 60-s bound before SIGKILL. processes.restore_interrupts
(called from conftest.py) gives SIGINT its default back.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

# A stand-in for `dagster dev` / `dagster code-server`: Dagster's own signal set-up, then wait to be stopped.
DAGSTER_LIKE = ("from dagster._utils.interrupts import setup_interrupt_handlers; setup_interrupt_handlers(); "
                "import time; print('ready', flush=True); time.sleep(300)")
STARTER = """
import subprocess, sys
{restore}
child = subprocess.Popen([sys.executable, "-c", {child!r}], stdout=subprocess.PIPE, text=True)
child.stdout.readline()
child.terminate()
try:
    child.wait(20)
    print("stopped by SIGTERM")
except subprocess.TimeoutExpired:
    child.kill()
    print("ignored SIGTERM")
"""


def _stop_a_dagster_like_child(restore: str) -> str:
    """Run STARTER the way CI runs the suite: SIGINT ignored from the start."""
    run = subprocess.run([sys.executable, "-c", STARTER.format(restore=restore, child=DAGSTER_LIKE)],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=180,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout.strip()


def test_a_background_run_s_children_ignore_sigterm_unless_sigint_is_restored():
    # Without the restore: what the suite's processes did under CI (the hazard, so the fix is not cargo).
    assert _stop_a_dagster_like_child("") == "ignored SIGTERM"
    restore = "from sage_looker_tests.processes import restore_interrupts; restore_interrupts()"
    assert _stop_a_dagster_like_child(restore) == "stopped by SIGTERM"


def test_this_test_process_has_sigint_back():
    assert signal.getsignal(signal.SIGINT) != signal.SIG_IGN  # getsignal gives a plain 1 for an inherited SIG_IGN
