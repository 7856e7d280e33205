"""The metadata the wallets service writes on ledger accounts and transactions, and reads back.

Keys and values are the release's (formancehq/wallets v2.1.5 ``pkg/metadata.go``); what each
kind of account carries comes from ``pkg/wallet.go`` (a wallet's main account), ``pkg/balance.go``
(a secondary balance) and ``pkg/hold.go`` (a hold, written by the pending debit's Numscript).
A client's own metadata is stored under ``wallets/custom_data_<key>`` and read back by taking
that prefix off every key that has it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mockserver.ledger import gojson

TRANSACTION = "wallets/transaction"
SPEC_TYPE = "wallets/spec/type"
WALLET_ID = "wallets/id"
WALLET_NAME = "wallets/name"
HOLD_WALLET_ID = "wallets/holds/wallet_id"
HOLD_ASSET = "wallets/holds/asset"
HOLD_SUBJECT = "wallets/holds/subject"
HOLD_ID = "wallets/holds/id"
HOLD_DESCRIPTION = "wallets/holds/description"
HOLD_VOID_DESTINATION = "void_destination"
HOLD_DESTINATION = "destination"
BALANCE_NAME = "wallets/balances/name"
BALANCE_EXPIRES_AT = "wallets/balances/expiresAt"
BALANCE_PRIORITY = "wallets/balances/priority"
IS_BALANCE = "wallets/balances"
CREATED_AT = "wallets/createdAt"
CUSTOM_PREFIX = "wallets/custom_data_"

PRIMARY = "wallets.primary"
HOLD = "wallets.hold"
TRUE = "true"


def encode_custom(custom: Mapping[str, str] | None) -> dict[str, str]:
    """A client's metadata as stored: each key under ``wallets/custom_data_``."""
    return {CUSTOM_PREFIX + key: value for key, value in (custom or {}).items()}


def extract_custom(stored: Mapping[str, str]) -> dict[str, str]:
    """A client's metadata read back from an account's: every prefixed key, unprefixed."""
    return {key[len(CUSTOM_PREFIX) :]: value for key, value in stored.items() if key.startswith(CUSTOM_PREFIX)}


def transaction_metadata(custom: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every wallets transaction's metadata: ``wallets/transaction: "true"`` and the client's."""
    return {TRANSACTION: TRUE, **encode_custom(custom)}


def wallet_metadata(wallet_id: str, name: str, created_at: str, custom: Mapping[str, str]) -> dict[str, str]:
    """A wallet's main account (``pkg/wallet.go`` ``LedgerMetadata``)."""
    own = {
        SPEC_TYPE: PRIMARY,
        WALLET_NAME: name,
        WALLET_ID: wallet_id,
        IS_BALANCE: TRUE,
        BALANCE_NAME: "main",
        CREATED_AT: created_at,
    }
    return {**own, **encode_custom(custom)}


def balance_metadata(wallet_id: str, name: str, expires_at: str, priority: int) -> dict[str, str]:
    """A secondary balance's account (``pkg/balance.go`` ``LedgerMetadata``): ``expiresAt`` is
    ``""`` when the balance never expires; no type, no creation date, no client metadata."""
    return {
        WALLET_ID: wallet_id,
        IS_BALANCE: TRUE,
        BALANCE_NAME: name,
        BALANCE_EXPIRES_AT: expires_at,
        BALANCE_PRIORITY: str(priority),
    }


def marshal_value(value: Mapping[str, Any]) -> str:
    """go-libs ``metadata.MarshalValue``: Go's ``json.Marshal`` of a map (sorted keys, compact,
    ``<``, ``>`` and ``&`` escaped)."""
    return gojson.dumps(gojson.sorted_map(value)).decode("utf-8")


def hold_metadata(
    *,
    hold_id: str,
    wallet_id: str,
    asset: str,
    description: str,
    subject: Mapping[str, str],
    destination: str,
    void_destination: str,
    custom: Mapping[str, str],
) -> dict[str, str]:
    """A hold's account (``pkg/hold.go`` ``LedgerMetadata``), set by the pending debit's script.
    ``subject`` is the debit's destination as sent (its ``balance`` always present, maybe ``""``)."""
    own = {
        SPEC_TYPE: HOLD,
        HOLD_WALLET_ID: wallet_id,
        HOLD_ID: hold_id,
        HOLD_ASSET: asset,
        HOLD_VOID_DESTINATION: marshal_value({"type": "account", "value": void_destination}),
        HOLD_DESTINATION: marshal_value({"type": "account", "value": destination}),
        HOLD_DESCRIPTION: description,
        HOLD_SUBJECT: marshal_value(
            {"type": subject["type"], "identifier": subject["identifier"], "balance": subject.get("balance", "")}
        ),
    }
    return {**own, **encode_custom(custom)}
