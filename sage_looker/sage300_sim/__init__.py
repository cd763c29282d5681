"""A Sage 300 Web API simulator: real HTTP on loopback, Sage's URL shape, envelope, field names and
errors, deterministic financially coherent data, fault injection and ground truth for tests.

    from sage_looker.sage300_sim import SimulatorConfig, run_simulator
    with run_simulator(SimulatorConfig(days=30)) as sim:
        ...  # sim.url, sim.truth(), sim.requests(), sim.max_concurrency(), sim.set_faults(), sim.db
"""

from sage_looker.sage300_sim.config import SimulatorConfig
from sage_looker.sage300_sim.faults import parse_spec
from sage_looker.sage300_sim.generate import generate
from sage_looker.sage300_sim.mutations import SageDB
from sage_looker.sage300_sim.server import Simulator, run_simulator

__all__ = ["SageDB", "Simulator", "SimulatorConfig", "generate", "parse_spec", "run_simulator"]
