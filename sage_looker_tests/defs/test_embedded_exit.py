"""A process that used the bundled simulators exits when its work is done: `sage-looker ping` on the embedded
default (no SAGE300_URL / LOOKER_BASE_URL) printed every OK line and then hung forever at interpreter exit, the
simulators' server threads frozen while their context managers waited for them to stop."""

import os
import subprocess
import sys

# Far above what ping needs on a busy 2-core machine (a few seconds); a hang is forever, so the bound only
# decides how long a regression takes to report, not whether the test passes.
HANG_BOUND_S = 120


def test_ping_on_the_embedded_default_exits_after_reporting(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAGE300_", "LOOKER_", "SAGE_LOOKER_"))}
    env.update(DAGSTER_HOME=str(tmp_path), SAGE_LOOKER_HOME=str(tmp_path), SAGE300_SIM_DAYS="3")
    try:
        done = subprocess.run([sys.executable, "-m", "sage_looker.cli", "ping"], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=HANG_BOUND_S)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"`sage-looker ping` did not exit; it printed:\n{exc.stdout}") from None
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK   Looker   login" in done.stdout and "FAIL" not in done.stdout
