"""A skipped test is a check that did not happen, so `make test` fails on one instead of reporting a pass.

Loaded for every run (pyproject.toml's `addopts`). It acts only when SAGE_LOOKER_TEST_NO_SKIPS=1, which
`scripts/test.sh` (`make test`, CI's `.ci/run`) sets by default. Why: the suite skips, with the reason, when the
machine lacks a service it installs itself (PostgreSQL, Chromium: scripts/). A run like that printed "passed"
and exited 0 while the PostgreSQL and browser checks had not run. On a machine that cannot have those services,
`SAGE_LOOKER_TEST_NO_SKIPS=0 make test` runs the rest and still lists every skip with its reason.
A plain `pytest` of a few files (a developer's loop) is unaffected.
"""

from __future__ import annotations

import os

import pytest

_SKIPPED: dict[str, str] = {}


def _enforced(config: pytest.Config) -> bool:
    # Under pytest-xdist the workers' reports reach the controller, which decides the exit status.
    return os.environ.get("SAGE_LOOKER_TEST_NO_SKIPS") == "1" and not hasattr(config, "workerinput")


def _record(report: pytest.TestReport | pytest.CollectReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):  # an expected failure is not a missing check
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        _SKIPPED.setdefault(report.nodeid, reason.removeprefix("Skipped: "))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _record(report)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    _record(report)  # a module skipped as a whole (pytest.skip at import time)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _enforced(session.config) and _SKIPPED and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    if not (_enforced(config) and _SKIPPED):
        return
    terminalreporter.section("skipped tests fail this run", red=True)
    for nodeid, reason in sorted(_SKIPPED.items()):
        terminalreporter.write_line(f"{nodeid}: {reason}")
    terminalreporter.write_line(f"{len(_SKIPPED)} skipped: these checks did not run. Give the machine what the "
                                "reasons name, or run `SAGE_LOOKER_TEST_NO_SKIPS=0 make test` to accept the skips.")
