"""Scenarios: the schema, the loader with locations, conditions and the linter."""
