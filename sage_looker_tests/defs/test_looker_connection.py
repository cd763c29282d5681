"""The Looker connection the product tests (ping, the embedded default) is the one the shipped LookML model
queries through: a ping that checks another connection says "ok" while every dashboard fails."""

from __future__ import annotations

import lkml

from sage_looker.dbt_project import LOOKML_DIR
from sage_looker.defs.looker.resources import EMBEDDED_DEFAULTS
from sage_looker.looker_sim.config import LookerSimConfig


def test_the_pinged_connection_is_the_lookml_models_connection():
    model = lkml.load((LOOKML_DIR / "sage_looker.model.lkml").read_text())
    assert EMBEDDED_DEFAULTS["LOOKER_CONNECTION"] == model["connection"]
    sim = LookerSimConfig()
    # The bundled Looker serves the model on that connection, so the embedded ping proves the same path.
    assert model["connection"] in sim.connections
    assert model["connection"] in sim.models["sage_looker"]["connections"]
