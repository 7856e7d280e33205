"""The wallets API's handlers by operationId, thin: read the request as the release reads it,
call the service, answer.

The release reads its query strings itself (``pkg/api/utils.go``: ``pageSize``, ``cursor``,
``metadata[k]``), so the handlers hand the service the raw query (Connexion's request scope;
on the gateway's fast path, the declared arguments as text), and the request's
``Idempotency-Key`` and ``Content-Type`` headers. 204 and 201 are the release's; its 404s have
no body (``NotFoundEmpty``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any
from urllib.parse import parse_qs

from connexion import context as connexion_context

from mockserver.core.bound import ServiceHandlers
from mockserver.core.requestctx import request_header
from mockserver.wallets.errors import NotFoundEmpty
from mockserver.wallets.service import WalletsService

Reply = tuple[Any, int]
_NOT_QUERY = frozenset({"self", "id_", "body"})
_WIRE = {"page_size": "pageSize", "wallet_id": "walletID"}


def _bodiless(handler: Callable[..., Awaitable[Reply]]) -> Callable[..., Awaitable[Reply]]:
    @wraps(handler)
    async def answer(*args: Any, **kwargs: Any) -> Reply:
        try:
            return await handler(*args, **kwargs)
        except NotFoundEmpty:
            return None, 404

    return answer


def query_of(operation_id: str, declared: dict[str, Any]) -> dict[str, list[str]]:
    """The request's query string, every value of a repeated parameter kept. ``declared`` (the
    handler's arguments) is read only on the gateway's fast path, which has no raw query and
    takes only declared parameters (a ``metadata[k]`` filter goes to Connexion)."""
    try:
        served = connexion_context.operation.operation_id
        raw = connexion_context.scope.get("query_string", b"")
    except RuntimeError:  # not inside Connexion: the fast path
        served = None
    if served == operation_id:
        return parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
    out: dict[str, list[str]] = {}
    for name, value in declared.items():
        if value is None or name in _NOT_QUERY:
            continue
        out[_WIRE.get(name, name)] = [str(value)]
    return out


def _key() -> str:
    return request_header("Idempotency-Key") or ""


def _content_type() -> str | None:
    return request_header("Content-Type")


def _sent_a_body() -> bool:
    """Whether the request declared a body (Connexion reads a JSON ``null`` as no body at all)."""
    length = request_header("Content-Length") or "0"
    return length.isdigit() and int(length) > 0


class WalletsApi(ServiceHandlers[WalletsService]):
    def registry(self) -> dict[str, Callable[..., Any]]:
        return {
            "getServerInfo": self.get_info,
            "listWallets": self.list_wallets,
            "createWallet": self.create_wallet,
            "getWallet": self.get_wallet,
            "updateWallet": self.update_wallet,
            "getWalletSummary": self.get_wallet_summary,
            "listBalances": self.list_balances,
            "createBalance": self.create_balance,
            "getBalance": self.get_balance,
            "debitWallet": self.debit_wallet,
            "creditWallet": self.credit_wallet,
            "getTransactions": self.get_transactions,
            "getHolds": self.get_holds,
            "getHold": self.get_hold,
            "confirmHold": self.confirm_hold,
            "voidHold": self.void_hold,
        }

    async def get_info(self) -> Reply:
        return self._s.server_info(), 200

    async def list_wallets(
        self, name: Any = None, page_size: Any = None, cursor: Any = None, expand: Any = None
    ) -> Reply:
        return self._s.list_wallets(query_of("listWallets", locals())), 200

    async def create_wallet(self, body: Any = None) -> Reply:
        return {"data": self._s.create_wallet(body)}, 201

    @_bodiless
    async def get_wallet(self, id_: str) -> Reply:
        return {"data": self._s.get_wallet(id_)}, 200

    @_bodiless
    async def update_wallet(self, id_: str, body: Any = None) -> Reply:
        if body is None and _sent_a_body():
            body = {}  # a JSON null, which Go decodes into the empty request
        self._s.update_wallet(id_, body, idempotency_key=_key(), content_type=_content_type())
        return None, 204

    async def get_wallet_summary(self, id_: str) -> Reply:
        return {"data": self._s.wallet_summary(id_)}, 200

    async def list_balances(self, id_: str, page_size: Any = None, cursor: Any = None) -> Reply:
        return self._s.list_balances(id_, query_of("listBalances", locals())), 200

    async def create_balance(self, id_: str, body: Any = None) -> Reply:
        return {"data": self._s.create_balance(id_, body)}, 201

    @_bodiless
    async def get_balance(self, id_: str, balance_name: str) -> Reply:
        return {"data": self._s.get_balance(id_, balance_name)}, 200

    async def debit_wallet(self, id_: str, body: Any = None) -> Reply:
        hold = self._s.debit_wallet(id_, body, idempotency_key=_key(), content_type=_content_type())
        return ({"data": hold}, 201) if hold is not None else (None, 204)

    async def credit_wallet(self, id_: str, body: Any = None) -> Reply:
        self._s.credit_wallet(id_, body, idempotency_key=_key(), content_type=_content_type())
        return None, 204

    async def get_transactions(self, page_size: Any = None, wallet_id: Any = None, cursor: Any = None) -> Reply:
        return self._s.list_transactions(query_of("getTransactions", locals())), 200

    async def get_holds(self, page_size: Any = None, wallet_id: Any = None, cursor: Any = None) -> Reply:
        return self._s.list_holds(query_of("getHolds", locals())), 200

    @_bodiless
    async def get_hold(self, hold_id: str) -> Reply:
        return {"data": self._s.get_hold(hold_id)}, 200

    @_bodiless
    async def confirm_hold(self, hold_id: str, body: Any = None) -> Reply:
        self._s.confirm_hold(hold_id, body, idempotency_key=_key())
        return None, 204

    @_bodiless
    async def void_hold(self, hold_id: str, body: Any = None) -> Reply:
        self._s.void_hold(hold_id, idempotency_key=_key())
        return None, 204
