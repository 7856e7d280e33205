"""Differential runs (`orchestration-contract diff`); imports phases, generation, transport, core.

The same generated sequences are sent to two implementations, and their answers compared with ids, cursors
and hashes matched by correspondence.
"""

from contract_tests.diff.run import DiffResult, run_diff

__all__ = ["DiffResult", "run_diff"]
