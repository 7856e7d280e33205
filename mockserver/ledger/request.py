"""A create-transaction request as the release reads it, and the input it hashes for idempotency.

The order of checks is ``internal/api/v2/controllers_transactions_create.go``'s: which of
postings, script and template are given, then the postings (``internal/posting.go``), then the
rest. ``inputs()`` is the controller's ``CreateTransaction`` as Go encodes it
(``internal/controller/ledger/controller.go``, ``internal/machine/vm/run.go``): postings travel as
the script the release generates for them, so the same postings hash the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockserver.core.timefmt import parse_rfc3339, rfc3339
from mockserver.ledger import gojson, logs
from mockserver.ledger.errors import no_postings, validation
from mockserver.ledger.model import Posting
from mockserver.ledger.postings import as_script, parse_postings
from mockserver.ledger.system import string_map
from mockserver.numscript import normalize_vars

ZERO_TIME = "0001-01-01T00:00:00Z"
TIME_LAYOUT = "2006-01-02T15:04:05.999999999Z07:00"


@dataclass(slots=True)
class TransactionRequest:
    postings: tuple[Posting, ...] | None
    plain: str | None
    template: str | None
    vars: dict[str, str]
    metadata: dict[str, str]
    metadata_given: bool
    account_metadata: dict[str, dict[str, str]]
    timestamp: datetime | None
    reference: str | None
    force: bool
    runtime: str

    @classmethod
    def parse(cls, body: dict[str, Any], *, force: bool) -> TransactionRequest:
        """The body as ``controllers_transactions_create.go`` reads it, in its order of checks."""
        raw_postings = body.get("postings")
        script = body.get("script")
        if script is not None and not isinstance(script, dict):
            raise validation("json: cannot unmarshal script: expected an object")
        plain = (script or {}).get("plain") or None
        template = (script or {}).get("template") or None
        given = [
            kind for kind, value in (("postings", raw_postings), ("numscript", plain), ("template", template)) if value
        ]
        if len(given) > 1:
            raise validation(f"cannot pass {given[0]} and {given[1]} in the same request")
        if not given:
            raise no_postings("you must pass either a posting array, a numscript script, or a template")
        force = force or body.get("force") is True
        postings = parse_postings(raw_postings) if raw_postings else None
        stamp = body.get("timestamp")
        timestamp = None
        if stamp is not None:
            if not isinstance(stamp, str):
                raise validation("invalid date format")
            try:
                timestamp = parse_rfc3339(stamp)
            except ValueError:
                raise validation(
                    f'parsing time "{stamp}" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse'
                ) from None
        reference = body.get("reference")
        if reference is not None and not isinstance(reference, str):
            raise validation("json: cannot unmarshal reference: expected a string")
        raw_accounts = body.get("accountMetadata")
        if raw_accounts is not None and not isinstance(raw_accounts, dict):
            raise validation("json: cannot unmarshal accountMetadata: expected an object")
        account_metadata = {str(a): string_map(m) for a, m in (raw_accounts or {}).items()}
        variables = (script or {}).get("vars") or {}
        if not isinstance(variables, dict):
            raise validation("json: cannot unmarshal vars: expected an object")
        runtime = body.get("runtime") or ""
        if not isinstance(runtime, str):
            raise validation("json: cannot unmarshal runtime: expected a string")
        return cls(
            postings=postings,
            plain=plain,
            template=template,
            vars=normalize_vars(variables),
            metadata=string_map(body.get("metadata")),
            metadata_given=body.get("metadata") is not None,
            account_metadata=account_metadata,
            timestamp=timestamp,
            reference=reference or None,
            force=force,
            runtime=runtime,
        )

    def deferred_digest(self) -> PostingsDigest | None:
        """The idempotency hash to compute when it is first read, for a request that gives
        postings and nothing else; None when the request holds more (hash it at once)."""
        if self.postings is None or self.template or self.runtime or self.timestamp is not None:
            return None
        if self.metadata or self.reference or self.account_metadata:
            return None
        return PostingsDigest(self.postings, self.force)

    def digest(self) -> str:
        """The idempotency hash (``ComputeIdempotencyHash``) of ``inputs()``."""
        # Strings, integers and null only (the vars are normalised to strings): no float.
        return logs.idempotency_hash(self.inputs(), records=True)

    def inputs(self) -> dict[str, Any]:
        """``CreateTransaction`` as the release hashes it for idempotency (``internal/controller/
        ledger/controller.go``): postings travel as the script generated for them."""
        if self.postings is not None:
            plain, variables = as_script(self.postings, force=self.force)
            metadata: dict[str, str] | None = self.metadata
        else:
            plain, variables = self.plain or "", self.vars
            metadata = self.metadata if self.metadata_given else None
        out: dict[str, Any] = {}
        if plain:
            out["plain"] = plain
        if self.template:
            out["template"] = self.template
        out["vars"] = gojson.sorted_map(variables)
        out["timestamp"] = rfc3339(self.timestamp) if self.timestamp else ZERO_TIME
        out["metadata"] = gojson.sorted_map(metadata) if metadata is not None else None
        out["reference"] = self.reference or ""
        out["AccountMetadata"] = (
            {a: gojson.sorted_map(m) for a, m in gojson.sorted_map(self.account_metadata).items()}
            if self.account_metadata
            else None
        )
        out["Runtime"] = self.runtime
        return out


@dataclass(frozen=True, slots=True)
class PostingsDigest:
    """The idempotency hash of a postings-only request, deferred: its input is a function of the
    postings (the transaction keeps the same tuple) and ``force`` alone, so a log holds this
    (48 bytes) instead of hashing a script it will most likely never show."""

    postings: tuple[Posting, ...]
    force: bool

    def digest(self) -> str:
        return TransactionRequest(
            postings=self.postings, plain=None, template=None, vars={}, metadata={}, metadata_given=False,
            account_metadata={}, timestamp=None, reference=None, force=self.force, runtime="",
        ).digest()  # fmt: skip


def sorted_accounts(values: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Account metadata as Go orders a map of maps."""
    return {address: gojson.sorted_map(m) for address, m in gojson.sorted_map(values).items()}
