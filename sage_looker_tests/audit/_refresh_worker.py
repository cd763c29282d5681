"""Run the looker/refresh asset in a process of its own (for the crash test): argv = base_url client_id groups plans;
the secret and the warehouse come from LOOKER_CLIENT_SECRET and SAGE_LOOKER_WAREHOUSE."""

import os
import sys

import dagster as dg

from sage_looker.defs.looker.assets import build_looker_refresh_asset
from sage_looker.defs.looker.resources import LookerResource
from sage_looker.defs.warehouse.resources import WarehouseResource


def main() -> None:
    base_url, client_id, groups, plans = sys.argv[1:5]

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
