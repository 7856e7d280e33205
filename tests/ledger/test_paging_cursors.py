"""Pages and cursors: what ``next`` and ``previous`` hold and where they lead, as v2.4.6 computes them."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from mockserver.ledger.errors import LedgerError
from mockserver.ledger.query import cursor
from mockserver.ledger.service import LedgerService
from tests.ledger.conftest import at, ids, make_service, send


def decoded(token: str) -> dict[str, Any]:
    assert "=" not in token and "+" not in token and "/" not in token  # URL-safe, unpadded
    return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))


@pytest.fixture
def twenty(service: LedgerService) -> LedgerService:
    for i in range(20):
        send(service, ("world", f"acc:{i:02}", i + 1, "USD"))
        service.clock.advance(1)
    return service


def test_a_keyset_cursor_is_the_whole_query(twenty: LedgerService) -> None:
    page = twenty.list_transactions("main", {"pageSize": "5", "pit": at(100), "query": '{"$match":{"source":"world"}}'})
    assert ids(page) == [20, 19, 18, 17, 16] and "previous" not in page["cursor"]
    assert decoded(page["cursor"]["next"]) == {
        "column": "id",
        "order": 1,
        "pageSize": 5,
        "filters": {"pit": at(100), "oot": None, "qb": {"$match": {"source": "world"}}, "opts": None},
        "bottom": 20,
        "paginationID": 15,
        "reverse": False,
    }
    # byte for byte as Go marshals it: struct fields in order, no spaces, HTML characters escaped
    raw = base64.urlsafe_b64decode(page["cursor"]["next"] + "==")
    assert raw.startswith(b'{"column":"id","order":1,"pageSize":5,"filters":{"pit":"2025-01-01T00:01:40Z"')


def test_an_offset_cursor(twenty: LedgerService) -> None:
    page = twenty.list_accounts("main", {"pageSize": "10", "expand": "volumes"})
    assert ids(page)[:2] == ["acc:00", "acc:01"] and page["cursor"]["hasMore"] is True
    assert decoded(page["cursor"]["next"]) == {
        "column": "address",
        "order": 0,
        "pageSize": 10,
        "filters": {"pit": None, "oot": None, "qb": None, "expand": ["volumes"], "opts": None},
        "offset": 10,
    }
    second = twenty.list_accounts("main", {"cursor": page["cursor"]["next"]})
    assert ids(second) == [f"acc:{i:02}" for i in range(10, 20)]
    assert "volumes" in second["cursor"]["data"][0]  # the cursor's expand
    third = twenty.list_accounts("main", {"cursor": second["cursor"]["next"]})
    assert ids(third) == ["world"] and third["cursor"]["hasMore"] is False and "next" not in third["cursor"]
    assert decoded(third["cursor"]["previous"])["offset"] == 10
    back = twenty.list_accounts("main", {"cursor": second["cursor"]["previous"]})
    assert ids(back) == ids(page) and "previous" not in back["cursor"]


def test_options_travel_in_the_cursor(twenty: LedgerService) -> None:
    page = twenty.volumes_with_balances("main", {"pageSize": "2", "groupBy": "2", "insertionDate": "true"})
    assert decoded(page["cursor"]["next"])["filters"]["opts"] == {"insertionDate": True, "groupBy": 2}
    twenty.create_ledger("other")
    ledgers = twenty.list_ledgers({"pageSize": "1", "includeDeleted": "1"})
    assert decoded(ledgers["cursor"]["next"])["filters"]["opts"] == {
        "Bucket": "",
        "Features": None,
        "IncludeDeleted": True,
    }


def test_walk_forward_and_back(twenty: LedgerService) -> None:
    pages, page = [], twenty.list_transactions("main", {"pageSize": "6"})
    while True:
        pages.append(ids(page))
        if not page["cursor"]["hasMore"]:
            break
        page = twenty.list_transactions("main", {"cursor": page["cursor"]["next"]})
    assert pages == [[20, 19, 18, 17, 16, 15], [14, 13, 12, 11, 10, 9], [8, 7, 6, 5, 4, 3], [2, 1]]
    back = []
    while "previous" in page["cursor"]:
        page = twenty.list_transactions("main", {"cursor": page["cursor"]["previous"]})
        back.append(ids(page))
        assert page["cursor"]["hasMore"] is True and "next" in page["cursor"]  # a way back is always there
    assert back == pages[-2::-1]


def test_pages_stay_put_while_transactions_are_added(twenty: LedgerService) -> None:
    first = twenty.list_transactions("main", {"pageSize": "5"})
    for _ in range(3):
        send(twenty, ("world", "late", 1, "USD"))
    second = twenty.list_transactions("main", {"cursor": first["cursor"]["next"]})
    assert ids(second) == [15, 14, 13, 12, 11]
    again = twenty.list_transactions("main", {"cursor": second["cursor"]["previous"]})
    assert ids(again) == [20, 19, 18, 17, 16]
    newer = twenty.list_transactions("main", {"cursor": again["cursor"]["previous"]})  # the ones added since
    assert ids(newer) == [23, 22, 21]


def test_a_cursor_keeps_its_page_size_unless_told(twenty: LedgerService) -> None:
    first = twenty.list_transactions("main", {"pageSize": "5", "reverse": "true", "sort": "id"})
    assert ids(first) == [1, 2, 3, 4, 5]
    bigger = twenty.list_transactions("main", {"cursor": first["cursor"]["next"], "pageSize": "10", "reverse": "false"})
    assert ids(bigger) == list(range(6, 16)) and bigger["cursor"]["pageSize"] == 10
    assert decoded(bigger["cursor"]["next"])["pageSize"] == 10
    # a cursor ignores every other parameter and the body
    same = twenty.list_transactions(
        "main", {"cursor": first["cursor"]["next"], "query": "garbage", "pit": "x"}, {"$x": 1}
    )
    assert ids(same) == [6, 7, 8, 9, 10]


@pytest.mark.parametrize(
    ("raw", "size"), [("", 15), ("0", 15), ("7", 7), ("100", 100), ("101", 100), ("4294967295", 100)]
)
def test_page_sizes(twenty: LedgerService, raw: str, size: int) -> None:
    assert twenty.list_transactions("main", {"pageSize": raw})["cursor"]["pageSize"] == size


@pytest.mark.parametrize("raw", ["nan", "-1", "+5", "4294967296", "1.5", " 5"])
def test_bad_page_sizes(twenty: LedgerService, raw: str) -> None:
    with pytest.raises(LedgerError) as caught:
        twenty.list_transactions("main", {"pageSize": raw})
    assert caught.value.message == "extracting paginated query: invalid 'pageSize' query param"
    token = twenty.list_transactions("main", {"pageSize": "1"})["cursor"]["next"]
    with pytest.raises(LedgerError) as again:
        twenty.list_transactions("main", {"pageSize": raw, "cursor": token})
    assert again.value.message == "invalid 'pageSize' query param"  # no prefix with a cursor


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("XXX", "invalid cursor: invalid character ']' looking for beginning of value"),
        ("???", "illegal base64 data at input byte 0"),
        ("e30=", "illegal base64 data at input byte 3"),  # padding is refused
        ("eyJhIjo", "invalid cursor: unexpected end of JSON input"),
        ("e30x", "invalid cursor: invalid character '1' after top-level value"),
        ("A", "illegal base64 data at input byte 0"),
    ],
)
def test_bad_cursors(twenty: LedgerService, token: str, message: str) -> None:
    with pytest.raises(LedgerError) as caught:
        twenty.list_transactions("main", {"cursor": token})
    assert (caught.value.status, caught.value.message) == (400, message)


def test_ordering_parameters(twenty: LedgerService) -> None:
    send(twenty, ("world", "old", 1, "USD"), timestamp=at(-60))  # id 21, effective first
    assert ids(twenty.list_transactions("main", {"order": "effective", "pageSize": "2"})) == [20, 19]
    assert ids(twenty.list_transactions("main", {"order": "effective", "reverse": "TRUE", "pageSize": "2"})) == [21, 1]
    assert ids(twenty.list_transactions("main", {"reverse": "yes", "pageSize": "2"})) == [21, 20]  # not a true
    # sort beats order and reverse; its field in camel case becomes snake case
    assert ids(twenty.list_transactions("main", {"reverse": "true", "sort": "timestamp:desc", "pageSize": "2"})) == [
        20,
        19,
    ]
    assert ids(twenty.list_transactions("main", {"sort": "insertedAt:ASC", "pageSize": "2"})) == [1, 2]
    page = twenty.list_transactions("main", {"order": "effective", "pageSize": "2"})
    assert decoded(page["cursor"]["next"])["bottom"] == 1735689619000000  # Unix microseconds
    with pytest.raises(LedgerError, match=r"^extracting paginated query: invalid order: $"):
        twenty.list_transactions("main", {"sort": "id:"})


def test_equal_keys_repeat_across_pages(service: LedgerService) -> None:
    """The release's boundary is inclusive and has no tie-breaker: on a column with equal keys,
    the next page starts again at the first row holding the boundary's key."""
    for _ in range(3):
        send(service, ("world", "a", 1, "USD"))  # same timestamp
    service.clock.advance(1)
    send(service, ("world", "a", 1, "USD"))
    first = service.list_transactions("main", {"order": "effective", "reverse": "true", "pageSize": "2"})
    assert ids(first) == [1, 2]
    assert ids(service.list_transactions("main", {"cursor": first["cursor"]["next"]})) == [1, 2]


def test_an_empty_set_in_a_cursor() -> None:
    """Go writes ``{"$and": []}`` back as ``{"$and": null}``, which the release cannot read back:
    its next page is a 400. Spec mode reads it as the empty set it was."""
    for real, expected in ((True, None), (False, [13, 12, 11, 10, 9])):
        svc = make_service(real=real)
        svc.create_ledger("main")
        for _ in range(18):
            send(svc, ("world", "a", 1, "USD"))
        first = svc.list_transactions("main", {"pageSize": "5"}, {"$and": []})
        assert decoded(first["cursor"]["next"])["filters"]["qb"] == {"$and": None}
        if expected is None:
            with pytest.raises(LedgerError) as caught:
                svc.list_transactions("main", {"cursor": first["cursor"]["next"]})
            assert (caught.value.status, caught.value.message) == (400, "parsing $and: unexpected type <nil>")
        else:
            assert ids(svc.list_transactions("main", {"cursor": first["cursor"]["next"]})) == expected


def test_encode_decode_round_trip() -> None:
    query = cursor.Query("timestamp", 1, 7, builder=None, expand=("volumes",), mode="keyset", bottom=5, pagination_id=3)
    again = cursor.decode(cursor.encode(query), accept_null_sets=False)
    assert again == query
