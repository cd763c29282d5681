"""Looker API 4.0 client (httpx, no Dagster): what the pipeline does in Looker after a warehouse load."""

from sage_looker.looker.client import LookerClient
from sage_looker.looker.errors import (
    LookerAmbiguousError, LookerAuthError, LookerConfigError, LookerDeliveryError, LookerError, LookerHTTPError,
    LookerNotFoundError, LookerUnavailableError, LookerValidationError,
)
from sage_looker.looker.results import (
    ConnectionTest, ConnectionTestResult, DatagroupInfo, DatagroupTrigger, LookmlIssue, LookmlModelInfo,
    LookmlValidation, ScheduledPlanInfo, ScheduledPlanRun,
)
from sage_looker.looker.settings import LookerSettings

__all__ = [
    "ConnectionTest", "ConnectionTestResult", "DatagroupInfo", "DatagroupTrigger", "LookerAmbiguousError",
    "LookerAuthError", "LookerClient", "LookerConfigError", "LookerDeliveryError", "LookerError", "LookerHTTPError",
    "LookerNotFoundError", "LookerSettings", "LookerUnavailableError", "LookerValidationError", "LookmlIssue",
    "LookmlModelInfo", "LookmlValidation", "ScheduledPlanInfo", "ScheduledPlanRun",
]
