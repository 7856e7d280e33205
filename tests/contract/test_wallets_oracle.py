"""The suite's wallets model restates the contract's arithmetic: the spending order, holds, refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contract_tests.oracle.wallets_model import MAIN, Refusal, WalletsModel

USD = "USD/2"
NOW = datetime(2024, 5, 2, tzinfo=UTC)


def funded(**balances: int) -> WalletsModel:
    m = WalletsModel()
    m.add_wallet("w", "w", {})
    for name, amount in balances.items():
        if name != MAIN:
            m.add_balance("w", name, None, 0)
        m.credit("w", USD, amount, name)
    return m


def test_star_spends_expiring_first_then_by_priority_main_last_and_skips_the_expired() -> None:
    m = WalletsModel()
    m.add_wallet("w", "w", {})
    m.add_balance("w", "late", datetime(2030, 1, 1, tzinfo=UTC), 0)
    m.add_balance("w", "soon", datetime(2025, 1, 1, tzinfo=UTC), 9)
    m.add_balance("w", "high", None, 5)
    m.add_balance("w", "low", None, 1)
    m.add_balance("w", "gone", datetime(2000, 1, 1, tzinfo=UTC), 0)
    for name in ("main", "late", "soon", "high", "low", "gone"):
        m.credit("w", USD, 10, name)
    taken = m.debit("w", USD, 45, ["*"], NOW)
    assert taken == [("soon", 10), ("late", 10), ("low", 10), ("high", 10), ("main", 5)]
    assert m.assets("w", "gone") == {USD: 10}


def test_named_balances_are_spent_in_the_order_given_and_refusals_move_nothing() -> None:
    m = funded(main=50, side=30)
    assert m.debit("w", USD, 40, ["side", "main"], NOW) == [("side", 30), ("main", 10)]
    for names, code in ((["*", "main"], "VALIDATION"), (["nope"], "VALIDATION"), (["main", "main"], "VALIDATION")):
        with pytest.raises(Refusal) as refused:
            m.plan("w", USD, 1, names, NOW)
        assert (refused.value.status, refused.value.code) == (400, code)
    with pytest.raises(Refusal) as refused:
        m.debit("w", USD, 41, [], NOW)
    assert refused.value.code == "INSUFFICIENT_FUND" and m.assets("w") == {USD: 40}


def test_a_hold_is_confirmed_in_part_then_voided_back_to_its_sources_and_closes() -> None:
    m = funded(main=100, gifts=20)
    m.hold("h", "w", USD, 60, m.debit("w", USD, 60, ["gifts", "main"], NOW))
    assert m.held("w", USD) == 60
    assert m.confirm("h", 10, final=False) == 0
    m.void("h")  # 50 back: gifts its 20, main 30
    assert (m.assets("w", "gifts"), m.assets("w")) == ({USD: 20}, {USD: 90})
    hold = m.holds["h"]
    assert (hold.remaining, hold.confirmed, hold.returned) == (0, 10, 50)
    for closed in (lambda: m.confirm("h", 0, final=False), lambda: m.void("h")):
        with pytest.raises(Refusal) as refused:
            closed()
        assert refused.value.code == "HOLD_CLOSED"


def test_a_final_confirmation_gives_the_rest_back_to_main_and_too_much_is_refused() -> None:
    m = funded(main=100)
    m.hold("h", "w", USD, 80, m.debit("w", USD, 80, [], NOW))
    with pytest.raises(Refusal) as refused:
        m.confirm("h", 81, final=False)
    assert refused.value.code == "INSUFFICIENT_FUND" and m.holds["h"].remaining == 80
    assert m.confirm("h", 30, final=True) == 50
    assert m.assets("w") == {USD: 70} and m.held("w", USD) == 0
