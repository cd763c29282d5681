"""Dagster glue: thin wiring of the Sage client, the warehouse and Looker into assets."""
