"""`sage-looker ping` names what is wrong, per company and module, and exits non-zero."""

from click.testing import CliRunner

from sage_looker.cli import main
from sage_looker.sage300_sim import SimulatorConfig, run_simulator


def _env(sim, tmp_path, **extra):
    return {"SAGE300_URL": sim.url, "SAGE300_USER": "WEBAPI", "SAGE300_PASSWORD": "WEBAPI",
            "SAGE300_COMPANIES": "SAMINC,SAMLTD", "SAGE_LOOKER_HOME": str(tmp_path),
            "DAGSTER_HOME": str(tmp_path), **extra}


def test_ping_passes_when_everything_is_reachable(tmp_path):
    with run_simulator(SimulatorConfig(seed=1, days=3)) as sim:
        result = CliRunner().invoke(main, ["ping"], env=_env(sim, tmp_path))
    assert result.exit_code == 0, result.output
    assert result.output.count("OK   Sage 300") == 14  # 2 companies x 7 modules
    assert "model sage_looker" in result.output and "FAIL" not in result.output


def test_ping_reports_a_missing_module_permission_and_fails(tmp_path):
    with run_simulator(SimulatorConfig(seed=1, days=3, forbidden_modules={"SAMLTD": ["PO"]})) as sim:
        result = CliRunner().invoke(main, ["ping"], env=_env(sim, tmp_path))
    assert result.exit_code == 1
    fail_lines = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert len(fail_lines) == 1 and "SAMLTD PO" in fail_lines[0]
    assert "Sage 300 Web API" in result.output  # the fix: grant the authorization


def test_ping_reports_refused_credentials(tmp_path):
    with run_simulator(SimulatorConfig(seed=1, days=3)) as sim:
        result = CliRunner().invoke(main, ["ping"], env=_env(sim, tmp_path, SAGE300_PASSWORD="wrong"))
    assert result.exit_code == 1
    assert "wrong" not in result.output and "WRONG" not in result.output
    assert "SAGE300_PASSWORD_CASE" in result.output or "credentials" in result.output.lower()
