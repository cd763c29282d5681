"""The Looker API 4.0 operations this client uses, spelled exactly as in the OpenAPI spec."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Endpoint:
    operation_id: str
    method: str
    template: str  # relative to /api/4.0

    def path(self, **params: str) -> str:
        # Ids and names go in one path segment: quote everything, "/" included.
        return self.template.format(**{k: quote(str(v), safe="") for k, v in params.items()})

    def __str__(self) -> str:
        return f"{self.method} {self.template} ({self.operation_id})"


LOGIN = Endpoint("login", "POST", "/login")
LOGOUT = Endpoint("logout", "DELETE", "/logout")
ALL_DATAGROUPS = Endpoint("all_datagroups", "GET", "/datagroups")
UPDATE_DATAGROUP = Endpoint("update_datagroup", "PATCH", "/datagroups/{datagroup_id}")
ALL_SCHEDULED_PLANS = Endpoint("all_scheduled_plans", "GET", "/scheduled_plans")
SCHEDULED_PLAN = Endpoint("scheduled_plan", "GET", "/scheduled_plans/{scheduled_plan_id}")
RUN_ONCE_BY_ID = Endpoint("scheduled_plan_run_once_by_id", "POST", "/scheduled_plans/{scheduled_plan_id}/run_once")
VALIDATE_PROJECT = Endpoint("validate_project", "POST", "/projects/{project_id}/validate")
PROJECT_VALIDATION_RESULTS = Endpoint("project_validation_results", "GET", "/projects/{project_id}/validate")
TEST_CONNECTION = Endpoint("test_connection", "PUT", "/connections/{connection_name}/test")
LOOKML_MODEL = Endpoint("lookml_model", "GET", "/lookml_models/{lookml_model_name}")

ALL = (LOGIN, LOGOUT, ALL_DATAGROUPS, UPDATE_DATAGROUP, ALL_SCHEDULED_PLANS, SCHEDULED_PLAN, RUN_ONCE_BY_ID,
       VALIDATE_PROJECT, PROJECT_VALIDATION_RESULTS, TEST_CONNECTION, LOOKML_MODEL)

# The spec's WriteScheduledPlan: the only fields a run_once override may set.
WRITE_SCHEDULED_PLAN_FIELDS = frozenset(
    "name user_id run_as_recipient enabled look_id dashboard_id lookml_dashboard_id filters_string "
    "dashboard_filters require_results require_no_results require_change send_all_results crontab "
    "datagroup timezone scheduled_plan_destination run_once include_links include_dashboard_summary "
    "custom_url_base custom_url_params custom_url_label show_custom_url pdf_paper_size pdf_landscape "
    "embed color_theme long_tables pdf_page_breaks tab_ids inline_table_width query_id".split()
)
