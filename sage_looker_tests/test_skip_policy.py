"""`make test` fails when a test skips (sage_looker_tests/skip_policy.py): a run whose PostgreSQL or browser
checks did not happen must not exit 0. Each case runs pytest on a tiny suite in its own folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SUITE = {
    "test_checks.py": (
        "import pytest\n"
        "def test_runs():\n    assert 1 + 1 == 2\n"
        "@pytest.fixture\ndef chromium():\n    pytest.skip('no Chromium for the browser tests: apt-get failed')\n"
        "def test_needs_a_browser(chromium):\n    pass\n"
        "@pytest.mark.xfail(reason='a known defect', strict=True)\ndef test_known_defect():\n    assert False\n"
    ),
    "test_pg.py": "import pytest\npytest.skip('PostgreSQL not available: initdb missing', allow_module_level=True)\n",
}


def _pytest(tmp_path: Path, no_skips: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    for name, text in SUITE.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # not this repository's settings
    env = {k: v for k, v in os.environ.items() if k != "SAGE_LOOKER_TEST_NO_SKIPS"}
    if no_skips is not None:
        env["SAGE_LOOKER_TEST_NO_SKIPS"] = no_skips
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "sage_looker_tests.skip_policy", "-p",
                           "no:cacheprovider", "-q", *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one process", "xdist like make test"])
def test_a_skip_fails_the_run_and_names_each_missing_check(tmp_path, workers):
    run = _pytest(tmp_path, "1", *workers)
    out = run.stdout
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, out + run.stderr
    assert "1 passed" in out and "2 skipped" in out and "1 xfailed" in out, out
    assert "skipped tests fail this run" in out, out
    assert "test_checks.py::test_needs_a_browser: no Chromium for the browser tests: apt-get failed" in out, out
    assert "PostgreSQL not available: initdb missing" in out, out
    assert "SAGE_LOOKER_TEST_NO_SKIPS=0 make test" in out, out


@pytest.mark.parametrize("no_skips", ["0", None], ids=["accepted explicitly", "plain pytest"])
def test_skips_pass_when_accepted_or_outside_make_test(tmp_path, no_skips):
    run = _pytest(tmp_path, no_skips)
    assert run.returncode == pytest.ExitCode.OK, run.stdout + run.stderr
    assert "2 skipped" in run.stdout and "skipped tests fail this run" not in run.stdout, run.stdout


def test_make_test_enforces_it():
    script = (Path(__file__).resolve().parents[1] / "scripts" / "test.sh").read_text()
    assert "export SAGE_LOOKER_TEST_NO_SKIPS=${SAGE_LOOKER_TEST_NO_SKIPS:-1}" in script
