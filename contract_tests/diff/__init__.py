"""Differential runs (`orchestration-contract diff`): the same generated sequences sent to two
implementations, their answers compared with ids, cursors and hashes matched by correspondence."""

from contract_tests.diff.run import DiffResult, run_diff

__all__ = ["DiffResult", "run_diff"]
