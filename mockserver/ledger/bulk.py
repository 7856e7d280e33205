"""``POST /v2/{ledger}/_bulk``: many writes in one call (formancehq/ledger v2.4.6 ``internal/api/bulking``).

Each element runs through the very write the single routes use (``create_transaction``,
``revert_transaction``, the metadata writes), with its own ``ik`` as idempotency key and the
bulk's ``schemaVersion``; elements never run as dry runs. In order (``bulker.go``): the body is
decoded (bulkbody.py), a JSON bulk of more than 100 elements is 413 BULK_SIZE_EXCEEDED, then
``atomic`` with ``parallel`` is 412 VALIDATION. Without ``continueOnFailure``, the elements
after a failure do not run and answer ``context canceled``. ``atomic`` runs them all under one
savepoint (savepoint.py): if any fails, every one is taken back (their events too) while the
answer still lists each result, successes with their ``data`` and ``logID``.

The answer is 200 when every element succeeded, else 400, always ``{"data": [result...]}``;
a result is ``{"data"?, "responseType", "logID"}`` or ``{"errorCode", "errorDescription",
"responseType": "ERROR", "logID": 0}``.

``parallel`` runs the elements one after the other, in order: one of the orders the release's
ten workers can produce (theirs answer in completion order and may label a result with another
element's action; ordered results are what a client can rely on).

An element's error code is the release's in both modes: it keeps INSUFFICIENT_FUND,
COMPILATION_FAILED, METADATA_OVERRIDE, NO_POSTINGS, CONFLICT and the INTERPRETER_* codes and
turns every other error into INTERNAL (``handler_json.go``); the spec declares exactly those
codes for an element (the element's status is the bulk's 400, never a 500), so nothing in it
justifies another answer.

Spec mode and ``--quirks real`` differ in two places:
- a stream bulk's answer carries the stream decoder's ``"errorCode": "VALIDATION",
  "errorMessage": "EOF"`` even on success in the release (``handler_stream_json.go``), which
  spec mode leaves out;
- an atomic bulk writes below the release's ledger-state tracker, so the ledger stays
  ``initializing`` (importable) after it; spec mode puts it in use like any write. A rolled-back
  atomic bulk also leaves the transaction and log ids it drew used up in ``--quirks real``
  (PostgreSQL sequences never roll back), and the ledger exactly as before in spec mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mockserver.core.bus import Event, EventBus
from mockserver.ledger.book import LedgerBook
from mockserver.ledger.bulkbody import (
    ADD_METADATA,
    CREATE,
    DELETE_METADATA,
    JSON,
    REVERT,
    Element,
    decode,
    media_type,
)
from mockserver.ledger.errors import WRAP, LedgerError, no_postings
from mockserver.ledger.pipeline import Pipeline, Written
from mockserver.ledger.postings import parse_postings
from mockserver.ledger.savepoint import Savepoint

MAX_SIZE = 100  # --bulk-max-size
# The codes the release's bulk keeps; every other error is INTERNAL there (handler_json.go).
KEPT_CODES = frozenset(
    {
        "INSUFFICIENT_FUND",
        "COMPILATION_FAILED",
        "METADATA_OVERRIDE",
        "NO_POSTINGS",
        "CONFLICT",
        "INTERPRETER_PARSE",
        "INTERPRETER_RUNTIME",
    }
)


@dataclass(frozen=True, slots=True)
class BulkAnswer:
    payload: dict[str, Any]
    status: int


class _HeldEvents:
    """The bus while an atomic bulk runs: events wait for the commit (``controller_with_events.go``)."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self.events: list[Event] = []

    def publish(self, event: Event) -> None:
        self.events.append(event)


class _Refused(Exception):
    """An element that failed: its error, already shaped as the bulk's result."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(result["errorDescription"])
        self.result = result


class BulkWrites(Pipeline):
    def create_bulk(
        self,
        name: str,
        body: Any,
        *,
        content_type: str | None = None,
        continue_on_failure: bool = False,
        atomic: bool = False,
        parallel: bool = False,
        schema_version: str | None = None,
    ) -> BulkAnswer:
        book = self.ledgers.book(name)
        media = media_type(content_type)
        elements = decode(body, media)
        if media == JSON and len(elements) > MAX_SIZE:
            raise LedgerError(413, "BULK_SIZE_EXCEEDED", f"bulk size exceeded, max size is {MAX_SIZE}")
        if atomic and parallel:
            raise LedgerError(
                412, "VALIDATION", "validating bulk options: atomic and parallel options are mutually exclusive"
            )
        if atomic:
            results, failed = self._bulk_atomically(name, book, elements, continue_on_failure, schema_version)
        else:
            results, failed = self._bulk_run(name, book, elements, continue_on_failure, schema_version)
        payload: dict[str, Any] = {"data": results}
        if media != JSON and self.real:
            payload.update(errorCode="VALIDATION", errorMessage="EOF")
        return BulkAnswer(payload, 400 if failed else 200)

    def _bulk_atomically(
        self, name: str, book: LedgerBook, elements: list[Element], keep_going: bool, version: str | None
    ) -> tuple[list[dict[str, Any]], bool]:
        savepoint = Savepoint(book)
        held = _HeldEvents(self.bus)
        self.bus = held  # type: ignore[assignment]
        failed = True
        try:
            results, failed = self._bulk_run(name, book, elements, keep_going, version)
        finally:
            self.bus = held.bus
            if failed:
                savepoint.rollback(keep_sequences=self.real)
            else:
                savepoint.commit()
        if not failed:
            if self.real:
                book.info.state = savepoint.state  # written below the release's state tracker
            for event in held.events:
                self.bus.publish(event)
        return results, failed

    def _bulk_run(
        self, name: str, book: LedgerBook, elements: list[Element], keep_going: bool, version: str | None
    ) -> tuple[list[dict[str, Any]], bool]:
        results: list[dict[str, Any]] = []
        failed = False
        for element in elements:
            if failed and not keep_going:
                results.append(_error("INTERNAL", "context canceled"))
                continue
            try:
                results.append(self._bulk_element(name, book, element, version))
            except _Refused as refused:
                failed = True
                results.append(refused.result)
            except LedgerError as exc:
                failed = True
                results.append(self._bulk_refusal(exc.code, exc.message))
        return results, failed

    def _bulk_refusal(self, code: str, message: str) -> dict[str, Any]:
        return _error(code if code in KEPT_CODES else "INTERNAL", message)

    def _bulk_element(self, name: str, book: LedgerBook, element: Element, version: str | None) -> dict[str, Any]:
        data, key = element.data, element.ik or None
        if element.action == CREATE:
            done = self.create_transaction(
                name, self._bulk_transaction_body(data), idempotency_key=key, schema_version=version
            )
        elif element.action == REVERT:
            done = self.revert_transaction(
                name,
                data.get("id") or 0,
                {"metadata": data.get("metadata")},
                force=data.get("force") is True,
                at_effective_date=data.get("atEffectiveDate") is True,
                idempotency_key=key,
                schema_version=version,
            )
        else:
            done = self._bulk_metadata(name, element, key, version)
        result: dict[str, Any] = {}
        if done.payload is not None:
            result["data"] = done.payload
        result["responseType"] = element.action
        result["logID"] = (book.idempotency[element.ik] if done.hit else book.logs[book.log_ids[-1]]).id
        return result

    def _bulk_transaction_body(self, data: dict[str, Any]) -> dict[str, Any]:
        """The element as ``TransactionRequest.ToCore`` reads it: postings win over a script (no
        "cannot pass both" here), and they are checked as the element is parsed."""
        body = dict(data)
        if data.get("postings"):
            body.pop("script", None)
            try:
                parse_postings(data["postings"])
            except LedgerError as exc:
                raise _Refused(self._bulk_refusal(exc.code, f"error parsing element: {exc.message}")) from None
        else:
            body.pop("postings", None)
            script = data.get("script") or {}
            if not script.get("plain") and not script.get("template"):
                raise no_postings(f"{WRAP}numscript execution returned no postings")  # the empty script's
        return body

    def _bulk_metadata(self, name: str, element: Element, key: str | None, version: str | None) -> Written:
        data = element.data
        target_type, target = data.get("targetType") or "", data.get("targetId")
        adding = element.action == ADD_METADATA
        if target_type == "ACCOUNT":
            if not isinstance(target, str):
                raise _Refused(self._bulk_refusal("VALIDATION", _unmarshal(target, "string")))
            if adding:
                return self.add_account_metadata(
                    name, target, data.get("metadata"), idempotency_key=key, schema_version=version
                )
            return self.delete_account_metadata(
                name, target, data.get("key") or "", idempotency_key=key, schema_version=version
            )
        if target_type == "TRANSACTION":
            if isinstance(target, bool) or not isinstance(target, int) or target < 0:
                raise _Refused(self._bulk_refusal("VALIDATION", _unmarshal(target, "uint64")))
            if adding:
                return self.add_transaction_metadata(
                    name, target, data.get("metadata"), idempotency_key=key, schema_version=version
                )
            return self.delete_transaction_metadata(
                name, target, data.get("key") or "", idempotency_key=key, schema_version=version
            )
        verb = "invalid" if adding else "unsupported"
        raise _Refused(self._bulk_refusal("VALIDATION", f"{verb} target type: {target_type}"))


def _error(code: str, description: str) -> dict[str, Any]:
    return {"errorCode": code, "errorDescription": description, "responseType": "ERROR", "logID": 0}


def _unmarshal(value: Any, go_type: str) -> str:
    kind = (
        "null"
        if value is None
        else {bool: "bool", str: "string", list: "array", dict: "object"}.get(type(value), "number")
    )
    if value is None:
        return "unexpected end of JSON input"
    return f"json: cannot unmarshal {kind} into Go value of type {go_type}"


__all__ = ["DELETE_METADATA", "MAX_SIZE", "BulkAnswer", "BulkWrites"]
