"""Configuration and seed content of the Looker simulator.

The defaults mirror what the pipeline expects to find on the real instance: a `sage_looker` model and
project on the `sage_looker_warehouse` connection, the `sage300_load` datagroup the loader triggers, and the
five morning finance dashboards' schedules (ids 1..5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def default_scheduled_plans() -> list[dict[str, Any]]:
    finance = ["controller@example.com", "cfo@example.com"]
    plans = [
        ("Morning AP aging", "11", ["ap-team@example.com", *finance]),
        ("Morning AR collections", "12", ["ar-team@example.com", *finance]),
        ("Cash-flow forecast", "13", finance),
        ("Margin by product line", "14", ["sales-ops@example.com", *finance]),
        ("Inventory turnover", "15", ["warehouse-ops@example.com", *finance]),
    ]
    return [
        {
            "id": str(n),
            "name": name,
            "dashboard_id": dashboard_id,
            "datagroup": None,
            "crontab": "0 7 * * 1-5",
            "timezone": "America/Toronto",
            "recipients": recipients,
            "format": "wysiwyg_pdf",
        }
        for n, (name, dashboard_id, recipients) in enumerate(plans, start=1)
    ]


def default_models() -> dict[str, dict[str, Any]]:
    explores = ["ap_aging", "ar_collections", "cash_flow", "gl_transactions", "sales_margin", "inventory_turnover"]
    return {
        "sage_looker": {
            "project": "sage_looker",
            "label": "Sage Looker",
            "connections": ["sage_looker_warehouse"],
            "explores": explores,
        }
    }


@dataclass
class LookerSimConfig:
    host: str = "127.0.0.1"
    port: int = 0  # 0: pick a free port
    client_id: str = "sim-looker-client"
    client_secret: str = "sim-looker-secret-0123456789"
    # Real Looker issues one-hour tokens; tests use seconds.
    token_lifetime: int = 3600
    # The `expires_in` announced at login; None announces the real lifetime. Announcing more than the
    # real lifetime makes the server expire tokens "early", as a revoked key or clock skew does.
    announced_expires_in: int | None = None
    faults: str = ""
    seed: int = 0
    retry_after: int = 1  # seconds, sent with injected 429s
    slow_seconds: float = 1.0
    api_user_id: str = "7"
    # The server's wall clock minus the host's (seconds): negative makes Looker's clock lag, so a client
    # stamping "now" from its own clock would send timestamps in the server's future.
    clock_offset: float = 0.0
    datagroups: list[tuple[str, str]] = field(
        default_factory=lambda: [("sage_looker", "sage300_load"), ("sage_looker", "finance_daily")]
    )
    scheduled_plans: list[dict[str, Any]] = field(default_factory=default_scheduled_plans)
    models: dict[str, dict[str, Any]] = field(default_factory=default_models)
    projects: list[str] = field(default_factory=lambda: ["sage_looker"])
    # connection name -> {"dialect": ..., "failing_tests": {test name: message}}
    connections: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {"sage_looker_warehouse": {"dialect": "postgres", "failing_tests": {}}}
    )
    # ProjectError dicts returned by LookML validation (empty: the project validates cleanly).
    validation_errors: list[dict[str, Any]] = field(default_factory=list)
    # Whether the one-off copies that run_once creates show up in GET /scheduled_plans, and whether a
    # run also stamps the source plan's last_run_at. The spec says the source is "not modified"; both
    # switches exist so the client's delivery reconciliation can be tested against either behaviour.
    run_once_copies_listed: bool = True
    run_once_touches_source: bool = False
