"""The phases of a run, each checking its own exchanges. Imports checks, generation, oracle, transport, core."""
