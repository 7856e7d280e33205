"""Bulk bodies the service decodes itself: the two stream content types and type mistakes.

The project's spec decides whether Connexion lets the stream types through (the upstream one
declares only ``application/json``: 415), so these run against the service, as the handler
calls it with the request's Content-Type."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.ledger.bulkbody import JSON_STREAM, SCRIPT_STREAM
from mockserver.ledger.errors import LedgerError
from mockserver.ledger.service import LedgerService
from tests.ledger.support_admin import Ledger, make_app

SCRIPT = "send [USD 10] (\n  source = @world\n  destination = @{to}\n)"


def service(**options: Any) -> LedgerService:
    client = Ledger(make_app(**options))
    client.create("main")
    return client.service


def test_a_script_stream_books_each_block_with_its_key() -> None:
    ledger = service()
    stream = f"//script ik=first\n{SCRIPT.format(to='alice')}\n//end\n//script\n{SCRIPT.format(to='bob')}\n"
    answer = ledger.create_bulk("main", stream, content_type=SCRIPT_STREAM)
    assert answer.status == 200
    assert [r["data"]["postings"][0]["destination"] for r in answer.payload["data"]] == ["alice", "bob"]
    assert "errorCode" not in answer.payload  # spec mode leaves the decoder's EOF out
    assert ledger.ledgers.book("main").idempotency["first"].id == 1


def test_a_json_stream_is_elements_one_after_the_other() -> None:
    ledger = service(quirks="real")
    element = '{"action":"ADD_METADATA","data":{"targetType":"ACCOUNT","targetId":"a","metadata":{"k":"v"}}}'
    answer = ledger.create_bulk("main", f"{element}\n {element}", content_type=JSON_STREAM + "; charset=utf-8")
    assert answer.status == 200
    assert [r["responseType"] for r in answer.payload["data"]] == ["ADD_METADATA", "ADD_METADATA"]
    # the release passes its stream decoder's io.EOF into a successful answer
    assert (answer.payload["errorCode"], answer.payload["errorMessage"]) == ("VALIDATION", "EOF")


def test_streams_have_no_size_limit() -> None:
    ledger = service()
    stream = "".join(f"//script\n{SCRIPT.format(to=f'user:{n}')}\n//end\n" for n in range(101))
    assert ledger.create_bulk("main", stream, content_type=SCRIPT_STREAM).status == 200


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("//script colour=red\nsend\n", SCRIPT_STREAM, "invalid header, key 'colour' not recognized"),
        ([], "text/csv", "unsupported content type: text/csv"),
        (
            {"action": "CREATE_TRANSACTION"},
            None,
            "json: cannot unmarshal object into Go value of type []bulking.BulkElement",
        ),
        (
            [{"action": "CREATE_TRANSACTION", "data": {"postings": [], "metadata": {"k": 1}}}],
            None,
            "error parsing element: json: cannot unmarshal number into Go struct field "
            "TransactionRequest.metadata of type string",
        ),
        (
            [{"action": "REVERT_TRANSACTION", "data": {"id": -1}}],
            None,
            "error parsing element: json: cannot unmarshal number -1 into Go struct field "
            "RevertTransactionRequest.id of type uint64",
        ),
        (
            [{"action": "ADD_METADATA", "data": []}],
            None,
            "error parsing element: json: cannot unmarshal array into Go value of type bulking.AddMetadataRequest",
        ),
        ('{"action": "ADD', JSON_STREAM, "invalid character in the bulk stream: Unterminated string starting at"),
    ],
)
def test_what_does_not_decode_refuses_the_whole_bulk(body: Any, content_type: str | None, message: str) -> None:
    ledger = service()
    with pytest.raises(LedgerError) as caught:
        ledger.create_bulk("main", body, content_type=content_type)
    assert caught.value.status == 400 and caught.value.code == "VALIDATION"
    assert caught.value.message.startswith(message)
    assert ledger.ledgers.book("main").log_ids == []
