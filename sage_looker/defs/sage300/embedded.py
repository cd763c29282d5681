"""The embedded default: with no SAGE300_URL, reads go to the bundled Sage 300 simulator on loopback."""

from __future__ import annotations

import os

from sage_looker.defs.embedded import once_per_process


def _start():
    from sage_looker.sage300_sim import SimulatorConfig, run_simulator

    return run_simulator(SimulatorConfig(seed=int(os.environ.get("SAGE300_SIM_SEED", "7")),
                                         days=int(os.environ.get("SAGE300_SIM_DAYS", "90"))))


def embedded_sage_url() -> str:
    """Start (once per process) the bundled simulator and return its base URL."""
    return once_per_process("sage300", _start).url


def embedded_credentials() -> tuple[str, str]:
    return "WEBAPI", "WEBAPI"
