"""A Looker API 4.0 simulator (real HTTP on loopback) for tests and local runs; see `simulator.py`."""

from sage_looker.looker_sim.config import LookerSimConfig
from sage_looker.looker_sim.faults import FaultSpecError
from sage_looker.looker_sim.server import RecordedRequest
from sage_looker.looker_sim.simulator import LookerSimulator, run_looker_simulator
from sage_looker.looker_sim.state import Delivery

__all__ = [
    "Delivery", "FaultSpecError", "LookerSimConfig", "LookerSimulator", "RecordedRequest", "run_looker_simulator",
]
