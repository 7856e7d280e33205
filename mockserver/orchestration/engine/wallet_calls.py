"""The engine's wallet activities, as calls to the wallets service's interface.

formancehq/flows v2.6.0 calls the wallets API through the Go SDK (``internal/workflow/
activities/activity_wallet_*.go``), and the mock calls the stack's wallets service
(``mockserver/wallets/service.py``) through its own interface, as a client of
``/api/wallets`` would: a workflow's credit is what ``GET /api/wallets/wallets/{id}`` shows.

How a refusal is retried follows the real activities: ``DebitWallet`` turns the wallets API's
error into an application error of its ``errorCode`` (``VALIDATION`` fails the stage; the
others, ``INSUFFICIENT_FUND`` among them, are retried), while ``GetWallet``, ``ListWallets``,
``CreditWallet``, ``ConfirmHold`` and ``VoidHold`` return the SDK's error as it is, a type the
retry policy never stops on: retried forever, even a 400 (``activity_wallet_debit.go:58-63``).
A 404 has no body, so even ``DebitWallet`` gets no code from it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from mockserver.errors import MockError
from mockserver.orchestration.engine.failures import ActivityError
from mockserver.wallets.errors import NotFoundEmpty
from mockserver.wallets.service import WalletsService

T = TypeVar("T")
SDK_ERROR = "WalletsErrorResponse"  # the Go type the retry policy sees for a raw SDK error


class WalletPage(list[dict[str, Any]]):
    """The wallets a ``ListWallets`` found, for the stage code, with the cursor it answered."""

    cursor: dict[str, Any]


def _call(run: Callable[[], T], *, coded: bool = False) -> T:
    try:
        return run()
    except NotFoundEmpty as exc:
        raise ActivityError(f"{exc.message}: API error occurred: Status 404", SDK_ERROR) from None
    except MockError as exc:
        raise ActivityError(exc.message, exc.code if coded else SDK_ERROR) from None


def get_wallet(wallets: WalletsService, wallet_id: str) -> dict[str, Any]:
    return _call(lambda: wallets.get_wallet(wallet_id))


def list_wallets(wallets: WalletsService, name: str) -> WalletPage:
    answered = _call(lambda: wallets.list_wallets({"name": [name]}))
    found = WalletPage(answered["cursor"]["data"])
    found.cursor = answered["cursor"]
    return found


def credit_wallet(wallets: WalletsService, wallet_id: str, data: dict[str, Any], key: str) -> None:
    _call(lambda: wallets.credit_wallet(wallet_id, data, idempotency_key=key))


def debit_wallet(wallets: WalletsService, wallet_id: str, data: dict[str, Any], key: str) -> dict[str, Any] | None:
    return _call(lambda: wallets.debit_wallet(wallet_id, data, idempotency_key=key), coded=True)


def confirm_hold(wallets: WalletsService, hold_id: str, key: str) -> None:
    _call(lambda: wallets.confirm_hold(hold_id, {}, idempotency_key=key))


def void_hold(wallets: WalletsService, hold_id: str, key: str) -> None:
    _call(lambda: wallets.void_hold(hold_id, idempotency_key=key))
