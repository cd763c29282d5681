"""Sage 300 source layer: resource catalog, OData client, flattening. Knows nothing of Dagster."""
