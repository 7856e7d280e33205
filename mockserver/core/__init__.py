"""Tools with no knowledge of the API: clock, ids, limits, safe YAML, atomic files. Imports config and errors only."""
