"""Where a CLI run says it comes from, so the UI can find its job and re-execute it.

The CLI executes its runs in its own process (docs/CLI.md says why), but records them with the same remote
job origin `dagster dev -w workspace.yaml` gives the runs it launches: the UI looks a run's job up by the
origin's code location and repository names (`launchPipelineReexecution` refuses a run without one).
"""

from __future__ import annotations

import os
import sys

from dagster._core.definitions.repository_definition.valid_definitions import SINGLETON_REPOSITORY_NAME
from dagster._core.remote_origin import (
    ManagedGrpcPythonEnvCodeLocationOrigin,
    RemoteJobOrigin,
    RemoteRepositoryOrigin,
)
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

LOCATION_NAME = "sage_looker"  # workspace.yaml's location_name (a test holds the two together)
DEFINITIONS_MODULE = "sage_looker.definitions"


def remote_job_origin(job_name: str) -> RemoteJobOrigin:
    target = LoadableTargetOrigin(executable_path=sys.executable, module_name=DEFINITIONS_MODULE,
                                  attribute="defs", working_directory=os.getcwd())
    location = ManagedGrpcPythonEnvCodeLocationOrigin(target, location_name=LOCATION_NAME)
    return RemoteJobOrigin(RemoteRepositoryOrigin(location, SINGLETON_REPOSITORY_NAME), job_name)
