"""The wallets requests, decoded and checked in the release's order, with its messages.

Each reader is the release's struct and ``Validate`` (formancehq/wallets v2.1.5
``pkg/credit.go``, ``pkg/debit.go``, ``pkg/subject.go``, ``pkg/balance.go``, ``pkg/wallet.go``,
``pkg/api/handler_holds_confirm.go``). Where v2.1.5 fails with a 500 or a panic on a client's
mistake (an unknown subject type, an empty wallet identifier, a missing amount), spec mode
answers 400 ``VALIDATION`` and ``real`` the release's 500 (``panicked`` stands for a handler
panic: the release closes the connection without an answer, the mock answers 500).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mockserver.wallets import errors
from mockserver.wallets.errors import WalletsError, invalid_account, validation
from mockserver.wallets.godecode import Fields

ACCOUNT = "ACCOUNT"
WALLET = "WALLET"
# formancehq/ledger pkg/accounts (the address rule) and pkg/assets (the asset rule).
ADDRESS = re.compile(r"^[a-zA-Z0-9_-]+(?::[a-zA-Z0-9_-]+)*$")
ASSET = re.compile(r"^[A-Z][A-Z0-9]{0,16}(?:/\d{1,6})?$")
BALANCE_NAME = re.compile(r"[0-9A-Za-z_-]")  # pkg/balance.go: unanchored, one such character is enough
NIL_POINTER = "runtime error: invalid memory address or nil pointer dereference"


def refused(message: str, real: bool) -> WalletsError:
    """A mistake v2.1.5 answers with a 500 (spec mode: 400 VALIDATION)."""
    return errors.internal(message) if real else validation(message)


def panicked(sm_message: str, real: bool) -> WalletsError:
    """A mistake that makes a v2.1.5 handler panic (spec mode: 400 VALIDATION)."""
    return errors.internal(NIL_POINTER) if real else validation(sm_message)


@dataclass(frozen=True, slots=True)
class Subject:
    """``pkg/subject.go``: a ledger account, or a wallet's balance (``main`` when none)."""

    type: str
    identifier: str
    balance: str = ""

    def validate(self, real: bool) -> None:
        if self.type not in (ACCOUNT, WALLET):
            raise refused(f"unknown source type: {self.type}", real)
        if self.type == ACCOUNT and not ADDRESS.match(self.identifier):
            raise invalid_account(self.identifier)
        if self.type == WALLET and not self.identifier:
            raise refused("wallet identifier cannot be empty", real)

    def as_json(self) -> dict[str, str]:
        shown = {"type": self.type, "identifier": self.identifier}
        if self.balance:
            shown["balance"] = self.balance
        return shown


WORLD = Subject(ACCOUNT, "world")


def _subject(fields: Fields) -> Subject:
    return Subject(fields.string("type"), fields.string("identifier"), fields.string("balance"))


@dataclass(frozen=True, slots=True)
class Money:
    asset: str
    amount: int | None  # None: absent or null (the release then dereferences nil)


def _money(body: Fields) -> Money:
    found = body.nested("amount", "Monetary")
    if found is None:
        return Money("", None)
    return Money(found.string("asset"), found.big("amount"))


def _check_money(money: Money, real: bool, *, debit: bool = False) -> int:
    """Amount present, not negative, asset well formed: ``Validate``'s last checks. The debit
    handler answers both refusals with ``invalid balance specified``."""
    if money.amount is None:
        raise panicked("amount: the amount (amount.asset and amount.amount) is required", real)
    if money.amount < 0:
        raise validation(errors.INVALID_BALANCE_SPECIFIED if debit else errors.NEGATIVE_AMOUNT)
    if not ASSET.match(money.asset):
        raise validation(errors.INVALID_BALANCE_SPECIFIED) if debit else invalid_account(money.asset)
    return money.amount


@dataclass(frozen=True, slots=True)
class Credit:
    """``POST /wallets/{id}/credit`` (``CreditRequest``)."""

    asset: str
    amount: int
    metadata: dict[str, str] | None
    sources: list[Subject]
    reference: str
    balance: str
    timestamp: datetime | None


def credit(raw: Any, real: bool) -> Credit:
    body = Fields(raw, "CreditRequest", go_type="wallet.CreditRequest")
    money = _money(body)
    sources = [_subject(item) for item in body.objects("sources", "Subject")]
    metadata = body.string_map("metadata")
    reference, balance, timestamp = body.string("reference"), body.string("balance"), body.time("timestamp")
    for source in sources:
        source.validate(real)
    amount = _check_money(money, real)
    return Credit(money.asset, amount, metadata, sources, reference, balance, timestamp)


@dataclass(frozen=True, slots=True)
class Debit:
    """``POST /wallets/{id}/debit`` (``DebitRequest``)."""

    asset: str
    amount: int
    pending: bool
    metadata: dict[str, str] | None
    description: str
    reference: str
    destination: Subject | None
    balances: list[str]
    timestamp: datetime | None

    @property
    def target(self) -> Subject:
        return self.destination or WORLD


def debit(raw: Any, real: bool) -> Debit:
    """Decoded, then ``Debit.Validate``: the handler answers every refusal of it but an unknown
    subject type or an empty wallet identifier with ``invalid balance specified``."""
    body = Fields(raw, "DebitRequest", go_type="wallet.DebitRequest")
    money = _money(body)
    pending, metadata = body.boolean("pending"), body.string_map("metadata")
    description, reference = body.string("description"), body.string("reference")
    found = body.nested("destination", "Subject")
    destination = _subject(found) if found is not None else None
    balances, timestamp = body.strings("balances"), body.time("timestamp")
    if destination is not None:
        try:
            destination.validate(real)
        except WalletsError as exc:
            if exc.status == 400 and exc.message.startswith("invalid format"):
                raise validation(errors.INVALID_BALANCE_SPECIFIED) from None
            raise
    amount = _check_money(money, real, debit=True)
    return Debit(money.asset, amount, pending, metadata, description, reference, destination, balances, timestamp)


@dataclass(frozen=True, slots=True)
class NewWallet:
    """``POST /wallets`` (``CreateRequest``): nothing is checked, an empty name is a name."""

    name: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


def new_wallet(raw: Any) -> NewWallet:
    body = Fields(raw, "CreateRequest", go_type="wallet.CreateRequest")
    return NewWallet(body.string("name"), body.string_map("metadata") or {})


def patch(raw: Any) -> dict[str, str]:
    """``PATCH /wallets/{id}`` (``PatchRequest``): the metadata to merge (may be empty)."""
    return Fields(raw, "PatchRequest", go_type="wallet.PatchRequest").string_map("metadata") or {}


@dataclass(frozen=True, slots=True)
class NewBalance:
    """``POST /wallets/{id}/balances`` (``CreateBalance``), checked by ``Validate``."""

    name: str
    expires_at: datetime | None
    priority: int


def new_balance(raw: Any) -> NewBalance:
    body = Fields(raw, "CreateBalance", go_type="wallet.CreateBalance")
    found = NewBalance(body.string("name"), body.time("expiresAt"), body.integer("priority"))
    if not BALANCE_NAME.search(found.name):
        raise validation(errors.INVALID_BALANCE_NAME)
    if found.name == "main":
        raise validation(errors.RESERVED_BALANCE_NAME)
    return found


@dataclass(frozen=True, slots=True)
class Confirmation:
    """``POST /holds/{id}/confirm`` (``ConfirmHoldRequest``): 0 confirms what remains."""

    amount: int = 0
    final: bool = False


def confirmation(raw: Any) -> Confirmation:
    body = Fields(raw, "ConfirmHoldRequest", go_type="api.ConfirmHoldRequest")
    return Confirmation(body.integer("amount", "int64"), body.boolean("final"))
