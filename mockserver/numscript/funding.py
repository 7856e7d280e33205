"""Fundings: the ordered (account, amount) parts a source yields, and the machine's operations on them.

Each function is the rule of internal/machine/funding.go and allotment.go, including their edges: taking
zero from a non-empty funding yields a zero part of its first account (the release's zero postings), and
concatenation merges a part into the previous one when both are of the same account.
"""

from __future__ import annotations

from fractions import Fraction

Part = tuple[str, int]


class InsufficientFunds(Exception):
    """funding.go Take: the message names every account of the funding."""

    def __init__(self, parts: list[Part]):
        accounts = "|".join("@" + account for account, _ in parts)
        super().__init__(f"account(s) {accounts} had/have insufficient funds")


def take(parts: list[Part], amount: int) -> tuple[list[Part], list[Part]]:
    """(taken, remainder) of `amount` from the front; InsufficientFunds unless exactly `amount` is taken."""
    taken: list[Part] = []
    remainder: list[Part] = []
    if amount == 0 and parts:
        taken.append((parts[0][0], 0))
    left = amount
    index, count = 0, len(parts)
    while left > 0 and index < count:
        account, available = parts[index]
        if available > left:
            remainder.append((account, available - left))
            available = left
        left -= available
        taken.append((account, available))
        index += 1
    remainder.extend(parts[index:])
    if left != 0:
        raise InsufficientFunds(parts)
    return taken, remainder


def take_max(parts: list[Part], amount: int) -> tuple[list[Part], list[Part]]:
    """(taken, remainder) of at most `amount` from the front; never fails."""
    taken: list[Part] = []
    remainder: list[Part] = []
    left = amount
    index, count = 0, len(parts)
    while left > 0 and index < count:
        account, available = parts[index]
        if available > left:
            remainder.append((account, available - left))
            available = left
        left -= available
        taken.append((account, available))
        index += 1
    remainder.extend(parts[index:])
    return taken, remainder


def concat(first: list[Part], second: list[Part]) -> list[Part]:
    """first then second, the boundary parts merged when they are of one account."""
    if first and second and first[-1][0] == second[0][0]:
        return [*first[:-1], (first[-1][0], first[-1][1] + second[0][1]), *second[1:]]
    return [*first, *second]


def total(parts: list[Part]) -> int:
    return sum(amount for _, amount in parts)


def allocate(amount: int, ratios: list[Fraction]) -> list[int]:
    """allotment.go Allocate: each part floored, then one unit more to the first parts until the sum is met."""
    parts = [amount * ratio.numerator // ratio.denominator for ratio in ratios]
    missing = amount - sum(parts)
    index = 0
    while missing > 0 and index < len(parts):
        parts[index] += 1
        missing -= 1
        index += 1
    return parts


def make_allotment(portions: list[Fraction | None]) -> list[Fraction]:
    """allotment.go NewAllotment: `None` is `remaining`, worth what the others leave; ValueError past 100%."""
    known = sum((p for p in portions if p is not None), Fraction(0))
    if known > 1:
        raise ValueError("sum of portions exceeded 100%")
    rest = 1 - known
    return [rest if p is None else p for p in portions]
