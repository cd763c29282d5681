"""The embedded default: with no SAGE300_URL, reads go to the bundled Sage 300 simulator on loopback.

The simulator is deterministic for a seed, so every process of a run (and every run) sees the same data.
"""

from __future__ import annotations

import os
import threading

_lock = threading.Lock()
_sim = None
_ctx = None


def embedded_sage_url() -> str:
    """Start (once per process) the bundled simulator and return its base URL."""
    global _sim, _ctx
    with _lock:
        if _sim is None:
            from sage_looker.sage300_sim import SimulatorConfig, run_simulator

            config = SimulatorConfig(
                seed=int(os.environ.get("SAGE300_SIM_SEED", "7")),
                days=int(os.environ.get("SAGE300_SIM_DAYS", "90")),
            )
            _ctx = run_simulator(config)
            _sim = _ctx.__enter__()
        return _sim.url


def embedded_credentials() -> tuple[str, str]:
    return "WEBAPI", "WEBAPI"
