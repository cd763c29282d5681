"""One configuration error family: every "the configuration is wrong" error derives from
`sage_looker.errors.ConfigurationError`, and the real `sage-looker` command line reports each one as a line
naming the variable and the fix, exit code 1, never a traceback, never a secret."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from click.testing import CliRunner

from sage_looker.errors import ConfigurationError

# The error classes that mean "a setting is wrong", one per package that reads settings.
CONFIG_ERRORS = [
    ("sage_looker.defs.sage300.config", "ConfigError"),  # platform settings: companies, calendar, home
    ("sage_looker.sage300.errors", "SageConfigError"),  # SAGE300_*
    ("sage_looker.looker.errors", "LookerConfigError"),  # LOOKER_*
    ("sage_looker.security.credentials", "CredentialsError"),  # the encrypted credential store
    ("sage_looker.warehouse.errors", "WarehouseConfigError"),  # SAGE_LOOKER_WAREHOUSE, writer pool limit
]
REAL_SAGE = "https://erp.example.com/Sage300WebApi"  # never contacted: every case fails before a request
SECRET = "Zq8-distinctive-hunter2"


@pytest.mark.parametrize("module,name", CONFIG_ERRORS)
def test_every_configuration_error_derives_from_the_one_base(module, name):
    error = getattr(importlib.import_module(module), name)
    assert issubclass(error, ConfigurationError)
    assert issubclass(error, ValueError)  # callers that caught ValueError still do


def test_no_configuration_error_class_outside_the_family():
    """A new `...ConfigError` in a Dagster-free package is found here, so it cannot start a second root."""
    found = set()
    for package in ("sage_looker.sage300", "sage_looker.looker", "sage_looker.warehouse", "sage_looker.security",
                    "sage_looker.audit"):
        pkg = importlib.import_module(package)
        for info in pkgutil.iter_modules(pkg.__path__, package + "."):
            for name, obj in inspect.getmembers(importlib.import_module(info.name), inspect.isclass):
                if obj.__module__ == info.name and issubclass(obj, Exception) and (
                        "Config" in name or "Credential" in name):
                    found.add((info.name, name))
    assert found >= {(m, n) for m, n in CONFIG_ERRORS if not m.startswith("sage_looker.defs")}
    assert [n for m, n in found if not issubclass(getattr(importlib.import_module(m), n), ConfigurationError)] == []


@pytest.fixture
def cli(tmp_path, monkeypatch):
    """Run the real `sage-looker` group in this process with only the given settings."""
    import os

    from sage_looker.cli import main

    for var in list(os.environ):
        if var.startswith(("SAGE300_", "LOOKER_", "SAGE_LOOKER_")) and var != "SAGE_LOOKER_DBT_STATE":
            monkeypatch.delenv(var)
    monkeypatch.setenv("SAGE_LOOKER_HOME", str(tmp_path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))

    def run(args: list[str], **env: str):
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        result = CliRunner().invoke(main, args)
        return result, result.output

    return run


def _error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error:")]


SYNC = ["sync", "--company", "SAMINC", "--start", "2026-01-01", "--end", "2026-01-02"]


@pytest.mark.parametrize("args", [SYNC, ["ping"], ["replay-looker", "--run", "r1"]],
                         ids=["sync", "ping", "replay-looker"])
def test_a_bad_company_code_is_one_line_naming_the_fix(cli, args):
    result, output = cli(args, SAGE300_COMPANIES="SAM INC!")
    assert result.exit_code == 1, output
    assert "Traceback" not in output and not isinstance(result.exception, ConfigurationError)
    [line] = _error_lines(output)
    assert "SAGE300_COMPANIES" in line and "'SAM INC!'" in line
    assert "Fix: set SAGE300_COMPANIES to comma-separated Sage company IDs, e.g. SAMINC,SAMLTD" in line
    assert output.strip() == line  # nothing else: no heading, no stack


@pytest.mark.parametrize("args", [SYNC, ["ping"]], ids=["sync", "ping"])
def test_a_stored_password_the_key_cannot_open_is_one_line_naming_the_fix(cli, args, tmp_path):
    from sage_looker.security import credentials

    credentials.set_secret("SAGE300_PASSWORD", SECRET, {"SAGE_LOOKER_HOME": str(tmp_path),
                                                        "SAGE_LOOKER_SECRET_KEY": "the-key-used-when-storing"})
    result, output = cli(args, SAGE300_URL=REAL_SAGE, SAGE300_USER="WEBAPI", SAGE300_START_DATE="2026-01-01",
                         SAGE_LOOKER_SECRET_KEY="another-key-entirely-0000")
    assert result.exit_code == 1, output
    assert "Traceback" not in output and SECRET not in output and SECRET.upper() not in output
    [line] = _error_lines(output)
    assert line.startswith("Error: invalid configuration: SAGE300_PASSWORD: SAGE_LOOKER_SECRET_KEY does not decrypt")
    assert "set the key used when storing" in line  # the fix
    assert len(output.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["ping"], ["replay-looker", "--run", "r1"], SYNC],
                         ids=["ping", "replay-looker", "sync"])
def test_a_missing_looker_client_secret_is_one_line_naming_the_fix(cli, args):
    result, output = cli(args, LOOKER_BASE_URL="https://acme.cloud.looker.com", LOOKER_CLIENT_ID="abc")
    assert result.exit_code == 1, output
    assert "Traceback" not in output and not isinstance(result.exception, ConfigurationError)
    assert output.strip() == ("Error: invalid configuration: LOOKER_CLIENT_SECRET is not set. Fix: set it, or "
                              "store it encrypted with `sage-looker credentials set looker`")


def test_a_bad_looker_url_never_echoes_its_password(cli):
    result, output = cli(["ping"], LOOKER_BASE_URL=f"https://admin:{SECRET}@acme.cloud.looker.com",
                         LOOKER_CLIENT_ID="abc", LOOKER_CLIENT_SECRET="not-the-point-0000")
    assert result.exit_code == 1 and "Traceback" not in output and SECRET not in output
    [line] = _error_lines(output)
    assert "LOOKER_BASE_URL: must not carry credentials" in line and "set LOOKER_CLIENT_ID" in line


def test_several_problems_are_one_line_each_all_at_once(cli):
    """The load validates everything at once: the user fixes every setting in one go."""
    result, output = cli(["sync", "--company", "SAMINC", "--start", "2026-01-01", "--end", "2026-01-02"],
                         SAGE300_PAGE_SIZE="0", LOOKER_BASE_URL="https://acme.cloud.looker.com",
                         SAGE_LOOKER_WRITER_POOL_LIMIT="x", SAGE_LOOKER_WAREHOUSE="postgresql://u@db.example.com/f")
    assert result.exit_code == 1 and "Traceback" not in output, output
    lines = output.strip().splitlines()
    assert lines[0] == "Error: invalid configuration (fix each):"
    problems = lines[1:]
    assert all(p.startswith("- ") for p in problems)
    named = {var for var in ("SAGE300_PAGE_SIZE", "LOOKER_CLIENT_ID", "LOOKER_CLIENT_SECRET",
                             "SAGE_LOOKER_WRITER_POOL_LIMIT", "SAGE300_URL") if any(var in p for p in problems)}
    assert named == {"SAGE300_PAGE_SIZE", "LOOKER_CLIENT_ID", "LOOKER_CLIENT_SECRET",
                     "SAGE_LOOKER_WRITER_POOL_LIMIT", "SAGE300_URL"}


def test_report_keeps_one_line_per_problem_without_headings():
    exc = ConfigurationError("invalid Sage 300 settings:\n  SAGE300_PAGE_SIZE (got '0'): too small. Fix: give 1-10000."
                             "\nsage_looker configuration is invalid:\n- SAGE300_TIMEZONE (got 'Mars'): unknown.")
    assert exc.problems == ["SAGE300_PAGE_SIZE (got '0'): too small. Fix: give 1-10000.",
                            "SAGE300_TIMEZONE (got 'Mars'): unknown."]
    assert ConfigurationError("SAGE_LOOKER_SECRET_KEY is not set: generate one").problems == [
        "SAGE_LOOKER_SECRET_KEY is not set: generate one"]
