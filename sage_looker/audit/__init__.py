"""The audit trail: the load ledger, the raw page archive, the shrink guard, Looker delivery records, replay.

No Dagster here (the glue is in `sage_looker/defs/`); the warehouse is reached only through `Warehouse`.
Sub-modules are imported where used so the warehouse layer can import `audit.crash` cheaply.
"""

AUDIT_SCHEMA = "sage300_audit"
