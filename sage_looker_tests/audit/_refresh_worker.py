"""Run the looker/refresh asset in a process of its own (for the crash test): argv = base_url client_id groups plans;
the secret and the warehouse come from LOOKER_CLIENT_SECRET and SAGE_LOOKER_WAREHOUSE. With CRASH_BEFORE_PLAN=<id>
the process SIGKILLs itself when the refresh turns to that plan: no `finally`, no flush, like the OOM killer."""

import os
import signal
import sys

import dagster as dg

from sage_looker.defs.looker.assets import build_looker_refresh_asset
from sage_looker.defs.looker.resources import LookerResource
from sage_looker.defs.warehouse.resources import WarehouseResource


def _crash_before(plan_id: str) -> None:
    from sage_looker.looker.client import LookerClient

    real = LookerClient.run_scheduled_plan_once

    def run_once(self, pid, *args, **kwargs):
        if str(pid) == plan_id:
            sys.stderr.write(f"crashing before plan {pid}\n")
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, pid, *args, **kwargs)

    LookerClient.run_scheduled_plan_once = run_once


def main() -> None:
    base_url, client_id, groups, plans = sys.argv[1:5]
    if os.environ.get("CRASH_BEFORE_PLAN"):
        _crash_before(os.environ["CRASH_BEFORE_PLAN"])

    @dg.asset(key=["marts", "ap_aging"])
    def ap_aging() -> None:
        return None

    refresh = build_looker_refresh_asset(ap_aging)
    resources = {"looker": LookerResource(base_url=base_url, client_id=client_id,
                                          client_secret=os.environ["LOOKER_CLIENT_SECRET"], datagroups=groups,
                                          scheduled_plans=plans),
                 "warehouse": WarehouseResource(target=os.environ["SAGE_LOOKER_WAREHOUSE"])}
    result = dg.materialize([ap_aging, refresh], selection=[refresh.key], resources=resources,
                            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    print(result.run_id)
    sys.exit(0 if result.success else 1)


if __name__ == "__main__":
    main()
