"""Hypothesis strategies: workflow definitions, triggers, bus events. Imports oracle, core."""
