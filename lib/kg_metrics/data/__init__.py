"""Data layer: reading and validating what is in ``data/`` (tables, registry, observations, resolution, scenario files, parameters)."""
