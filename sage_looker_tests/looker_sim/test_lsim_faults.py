from __future__ import annotations

import pytest

from sage_looker.looker_sim.faults import FaultInjector, FaultSpecError, parse_faults


def _sequence(spec: str, op: str = "all_datagroups", n: int = 40, seed: int = 0) -> list[str | None]:
    inj = FaultInjector(spec, seed=seed)
    out = []
    for _ in range(n):
        fault = inj.pick(op)
        out.append(fault and fault.kind + ("-after" if fault.after else ""))
    return out


def test_burst_every_from_and_scope() -> None:
    assert _sequence("429=burst:3", n=5) == ["429", "429", "429", None, None]
    assert _sequence("503=every:2", n=4) == [None, "503", None, "503"]
    assert _sequence("reset=from:3", n=4) == [None, None, "reset", "reset"]
    assert _sequence("503@login=burst:1", n=2) == [None, None]
    assert _sequence("503-after@login=burst:1", op="login", n=2) == ["503-after", None]


def test_probabilities_are_deterministic_per_seed() -> None:
    spec = "429=burst:3,502html=0.1,503=0.05"
    assert _sequence(spec, n=200, seed=1) == _sequence(spec, n=200, seed=1)
    seq = _sequence(spec, n=200, seed=1)
    assert seq[:3] == ["429"] * 3 and 5 <= seq.count("502html") <= 40


def test_set_faults_resets_and_rejects_bad_specs_atomically() -> None:
    inj = FaultInjector("429=burst:1")
    with pytest.raises(FaultSpecError):
        inj.set("429=burst:1,nonsense")
    assert inj.pick("x").kind == "429"  # the old spec is still active


@pytest.mark.parametrize("spec,message", [
    ("418=burst:1", "unknown kind"),
    ("429", "expected KIND"),
    ("503=2.0", "probability"),
    ("503=every:0", "every:N"),
    ("429-after=burst:1", "cannot be injected after"),
])
def test_bad_specs_are_explained(spec: str, message: str) -> None:
    with pytest.raises(FaultSpecError, match=message):
        parse_faults(spec)
