"""sage_looker: Sage 300 ERP data into a Looker-ready warehouse, as Dagster assets."""

__version__ = "0.1.0"
