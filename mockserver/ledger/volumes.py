"""Volumes of one (account, asset): every move, in insertion order and in effective order.

The release keeps a ``moves`` table whose rows carry post-commit volumes in insertion order
(fixed once written) and post-commit *effective* volumes in (effective date, sequence) order,
which a back-dated transaction shifts for every later move (``internal/storage/bucket/
migrations/11-make-stateless``). Both are kept here as running totals on each move, so a
transaction's volumes, an account's volumes at a point in time and the funds check are each a
lookup or a bisection, never a scan of the history.
"""

from __future__ import annotations

import bisect
from datetime import datetime
from typing import Any, Protocol


class Dated(Protocol):
    """What a move needs of its transaction (model.Transaction, which imports this module)."""

    timestamp: datetime
    inserted_at: datetime


def _effective_key(move: Move) -> tuple[datetime, int]:
    return (move.tx.timestamp, move.seq)


class Move:
    """One side of one posting: ``amount`` into (``is_input``) or out of the account."""

    __slots__ = ("amount", "eff_input", "eff_output", "input", "is_input", "output", "seq", "tx")

    def __init__(self, tx: Dated, amount: int, is_input: bool, seq: int) -> None:
        self.tx = tx
        self.amount = amount
        self.is_input = is_input
        # The ledger-wide insertion sequence of its transaction, shared by the transaction's moves:
        # (timestamp, seq) orders moves as insertion does, and moves with one key are kept in the
        # order they came (bisect_right), so two moves of one transaction on one book stay in order.
        self.seq = seq
        self.input = self.output = 0  # post-commit volumes (insertion order)
        self.eff_input = self.eff_output = 0  # post-commit effective volumes


class VolumeBook:
    __slots__ = ("by_effective", "input", "moves", "output")

    def __init__(self) -> None:
        self.input = 0
        self.output = 0
        self.moves: list[Move] = []
        self.by_effective: list[Move] = []

    @property
    def balance(self) -> int:
        return self.input - self.output

    def add(self, move: Move) -> None:
        if move.is_input:
            self.input += move.amount
        else:
            self.output += move.amount
        move.input, move.output = self.input, self.output
        self.moves.append(move)
        ordered = self.by_effective
        if not ordered or _effective_key(ordered[-1]) <= _effective_key(move):
            before = ordered[-1] if ordered else None
            ordered.append(move)
            self._settle(len(ordered) - 1, before)
            return
        at = bisect.bisect_right(ordered, _effective_key(move), key=_effective_key)
        ordered.insert(at, move)
        before = ordered[at - 1] if at else None
        for index in range(at, len(ordered)):  # a back-dated move shifts every later one
            self._settle(index, before)
            before = ordered[index]

    def truncate(self, count: int) -> None:
        """Take back every move added after the first ``count`` (a rolled-back atomic bulk, see
        savepoint.py). The effective order is settled again from the first place a removed move
        held, so every later move's effective volumes are what they were before it came."""
        removed = self.moves[count:]
        if not removed:
            return
        del self.moves[count:]
        first = len(self.by_effective)
        for move in removed:
            at = bisect.bisect_left(self.by_effective, _effective_key(move), key=_effective_key)
            # ``at`` holds this move or another of its transaction on this book, which goes too:
            # a truncation takes back whole transactions, so every move with this key is removed.
            del self.by_effective[at]
            first = min(first, at)
            if move.is_input:
                self.input -= move.amount
            else:
                self.output -= move.amount
        before = self.by_effective[first - 1] if first else None
        for index in range(first, len(self.by_effective)):
            self._settle(index, before)
            before = self.by_effective[index]

    def _settle(self, index: int, before: Move | None) -> None:
        move = self.by_effective[index]
        base_in, base_out = (before.eff_input, before.eff_output) if before is not None else (0, 0)
        if move.is_input:
            got, sent = base_in + move.amount, base_out
        else:
            got, sent = base_in, base_out + move.amount
        # Unless a back-dated move came in between, the effective volumes are the insertion ones:
        # the same int objects then, not two more a move.
        move.eff_input = move.input if got == move.input else got
        move.eff_output = move.output if sent == move.output else sent

    def at_insertion(self, pit: datetime) -> tuple[int, int] | None:
        """(input, output) after every move inserted at or before ``pit``; None if none was."""
        at = bisect.bisect_right(self.moves, pit, key=lambda m: m.tx.inserted_at)
        if not at:
            return None
        move = self.moves[at - 1]
        return move.input, move.output

    def at_effective(self, pit: datetime) -> tuple[int, int] | None:
        """(input, output) after every move effective at or before ``pit``; None if none was."""
        at = bisect.bisect_right(self.by_effective, pit, key=lambda m: m.tx.timestamp)
        if not at:
            return None
        move = self.by_effective[at - 1]
        return move.eff_input, move.eff_output

    def window(self, since: datetime | None, until: datetime | None, *, insertion: bool) -> tuple[int, int] | None:
        """(input, output) of the moves dated in [since, until] (either end open); None if none."""
        moves = self.moves if insertion else self.by_effective

        def when(move: Move) -> Any:
            return move.tx.inserted_at if insertion else move.tx.timestamp

        low = bisect.bisect_left(moves, since, key=when) if since is not None else 0
        high = bisect.bisect_right(moves, until, key=when) if until is not None else len(moves)
        if low >= high:
            return None
        # Each move carries the running totals up to it, in this order: a window is a difference.
        last = moves[high - 1]
        got, sent = (last.input, last.output) if insertion else (last.eff_input, last.eff_output)
        if low:
            before = moves[low - 1]
            got -= before.input if insertion else before.eff_input
            sent -= before.output if insertion else before.eff_output
        return got, sent
