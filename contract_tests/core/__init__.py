"""Shared by every layer: errors, configuration, results, the spec, curl, timestamps. Imports nothing else."""
