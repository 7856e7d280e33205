"""What each filter keeps, per resource, on the ``shop`` ledger (see conftest.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mockserver.ledger.errors import LedgerError
from mockserver.ledger.service import LedgerService
from tests.ledger.conftest import at, ids, send

EVERY_TX = [7, 6, 5, 4, 3, 2, 1]


def tx_ids(svc: LedgerService, document: Any, **params: str) -> list[int]:
    return ids(svc.list_transactions("main", {"pageSize": "100", **params}, document))


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"$match": {"account": "users:alice"}}, [7, 3, 1]),
        ({"$like": {"account": "users:alice"}}, [7, 3, 1]),  # $like on an address is $match
        ({"$like": {"account": "users:%"}}, []),  # ... so % is a literal
        # the transactions family: a partial address has exactly its number of segments...
        ({"$match": {"source": "users:"}}, [4, 3]),
        ({"$match": {"destination": "users:"}}, [7, 2, 1]),
        ({"$match": {"account": "shop::"}}, [4]),
        ({"$match": {"account": ":main"}}, [7, 6, 3]),
        # ... unless it ends with "...", which takes any number, the prefix itself included
        ({"$match": {"destination": "users:..."}}, [7, 5, 2, 1]),
        ({"$match": {"account": "..."}}, EVERY_TX),
        ({"$in": {"account": ["users:bob", "shop:main:sub"]}}, [4, 2]),
        ({"$in": {"destination": ["users:bob", "nobody"]}}, [2]),
        ({"$in": {"account": []}}, []),
        ({"$match": {"reference": "order-1"}}, [3]),
        ({"$like": {"reference": "r%"}}, [1]),
        ({"$like": {"reference": "_1"}}, [1]),
        ({"$in": {"reference": ["r1", "order-1", "none"]}}, [3, 1]),
        # NULL references compare to nothing, under $not too
        ({"$not": {"$match": {"reference": "r1"}}}, [3]),
        ({"$match": {"metadata[kind]": "deposit"}}, [2, 1]),
        ({"$like": {"metadata[kind]": "dep%"}}, []),  # containment: always string equality
        ({"$exists": {"metadata[kind]": "order"}}, [3]),
        ({"$in": {"metadata[kind]": ["order"]}}, []),  # a string never contains an array
        ({"$exists": {"metadata": "flag"}}, [2]),
        ({"$match": {"metadata": "flag"}}, [2]),  # plain metadata: the value names a key
        ({"$not": {"$exists": {"metadata": "kind"}}}, [7, 6, 5, 4]),
        ({"$match": {"reverted": True}}, [3]),
        ({"$match": {"reverted": False}}, [7, 6, 5, 4, 2, 1]),
        ({"$gt": {"id": 5}}, [7, 6]),
        ({"$match": {"id": 4}}, [4]),
        ({"$and": [{"$gte": {"id": 2}}, {"$lte": {"id": 4}}]}, [4, 3, 2]),
        ({"$lt": {"timestamp": at(60)}}, [6, 1]),
        ({"$lte": {"timestamp": at(60)}}, [6, 2, 1]),
        ({"$match": {"timestamp": at(-3600)}}, [6]),
        # a zone in a filter's date is ignored, as PostgreSQL reads it against a timestamp column
        ({"$lt": {"timestamp": "2025-01-01T00:01:00+05:00"}}, [6, 1]),
        ({"$gte": {"inserted_at": at(300)}}, [7, 6]),
        ({"$gt": {"updated_at": at(300)}}, [7, 3, 2]),
        ({"$lt": {"reverted_at": "2030-01-01T00:00:00Z"}}, [3]),
        ({"$not": {"$lt": {"reverted_at": "2030-01-01T00:00:00Z"}}}, []),  # NULL stays out
        ({"$or": [{"$match": {"account": "users:bob"}}, {"$match": {"metadata[kind]": "order"}}]}, [4, 3, 2]),
        ({"$and": [{"$match": {"account": "users:alice"}}, {"$not": {"$match": {"reverted": True}}}]}, [7, 1]),
        ({"$and": []}, EVERY_TX),
        ({"$or": []}, EVERY_TX),
        ({"$not": {"$and": []}}, []),
        ({"$or": [{"$match": {"reference": "r1"}}, {"$not": {"$match": {"reference": "r1"}}}]}, [3, 1]),
    ],
)
def test_transaction_filters(shop: LedgerService, document: dict[str, Any], expected: list[int]) -> None:
    assert tx_ids(shop, document) == expected
    assert shop.count_transactions("main", {}, document) == len(expected)
    # the same filter in the query parameter, and the body then ignored
    assert tx_ids(shop, {"$match": {"id": 0}}, query=json.dumps(document)) == expected


def test_transactions_at_a_point_in_time(shop: LedgerService) -> None:
    """``pit``: the transactions effective by then, their metadata then, reverts by then."""
    page = shop.list_transactions("main", {"pit": at(150)})
    assert ids(page) == [6, 3, 2, 1]
    shown = {row["id"]: row for row in page["cursor"]["data"]}
    assert shown[2]["metadata"] == {"kind": "deposit"}  # the flag came at 420
    assert shown[3]["reverted"] is False and "revertedAt" not in shown[3]
    assert shown[3]["updatedAt"] == at(360)  # dates are not rewound
    assert tx_ids(shop, {"$match": {"reverted": True}}, pit=at(150)) == []
    assert tx_ids(shop, {"$exists": {"metadata": "flag"}}, pit=at(150)) == []
    assert tx_ids(shop, {"$exists": {"metadata": "flag"}}, pit=at(420)) == [2]
    assert shop.count_transactions("main", {"pit": at(150)}) == 4


def test_pit_metadata_follows_the_account_history_feature(service: LedgerService) -> None:
    """The release reads a transaction's past metadata only with ACCOUNT_METADATA_HISTORY."""
    service.create_ledger("flat", {"features": {"ACCOUNT_METADATA_HISTORY": "DISABLED"}})
    send(service, ("world", "a", 1, "USD"), ledger="flat", metadata={"v": "1"})
    service.clock.advance(10)
    service.add_transaction_metadata("flat", 1, {"v": "2"})
    past = service.list_transactions("flat", {"pit": at(5)})["cursor"]["data"][0]
    assert past["metadata"] == {"v": "2"}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        # the accounts family: no length limit when the pattern ends with an empty segment...
        ({"$match": {"address": "users:"}}, ["users:alice", "users:alice:savings", "users:bob"]),
        # ... exactly its length otherwise, a trailing "..." counting as a segment
        ({"$match": {"address": "users:..."}}, ["users:alice", "users:bob"]),
        ({"$match": {"address": ":main"}}, ["shop:main"]),
        ({"$match": {"address": "shop::"}}, ["shop:main", "shop:main:sub"]),
        ({"$match": {"address": "::sub"}}, ["shop:main:sub"]),
        ({"$match": {"address": "users:...:savings"}}, []),  # not partial: an exact address
        ({"$like": {"address": "ghost:1"}}, ["ghost:1"]),
        ({"$in": {"address": ["users:bob", "nobody"]}}, ["users:bob"]),
        (
            {"$not": {"$match": {"address": "world"}}},
            ["ghost:1", "shop:main", "shop:main:sub", "users:alice", "users:alice:savings", "users:bob"],
        ),
        ({"$lt": {"balance[USD]": 0}}, ["shop:main", "world"]),
        ({"$gte": {"balance[USD]": 100}}, ["users:alice"]),
        ({"$match": {"balance[USD]": 30}}, ["users:bob"]),
        # no USD at all is NULL: out, under $not too
        ({"$not": {"$lt": {"balance[USD]": 0}}}, ["shop:main:sub", "users:alice", "users:bob"]),
        ({"$gt": {"balance[EUR]": 0}}, ["users:alice:savings"]),
        ({"$and": [{"$match": {"address": "users:bob"}}, {"$gt": {"balance": 0}}]}, ["users:bob"]),
        ({"$match": {"metadata[tier]": "gold"}}, ["users:alice"]),
        ({"$exists": {"metadata": "tier"}}, ["ghost:1", "users:alice"]),
        ({"$lt": {"first_usage": at(0)}}, ["shop:main", "world"]),  # the back-dated transaction
        ({"$gte": {"insertion_date": at(480)}}, ["ghost:1"]),
        ({"$gt": {"updated_at": at(300)}}, ["ghost:1", "users:alice"]),
    ],
)
def test_account_filters(shop: LedgerService, document: dict[str, Any], expected: list[str]) -> None:
    assert ids(shop.list_accounts("main", {"pageSize": "100"}, document)) == expected
    assert shop.count_accounts("main", {}, document) == len(expected)


def test_accounts_at_a_point_in_time(shop: LedgerService) -> None:
    """``pit``: accounts used by then (first usage), metadata then, effective balances then."""
    page = shop.list_accounts("main", {"pit": at(60)})
    assert ids(page) == ["shop:main", "users:alice", "users:bob", "world"]
    assert page["cursor"]["data"][1]["metadata"] == {}  # gold came at 480
    assert ids(shop.list_accounts("main", {"pit": at(60)}, {"$lt": {"balance[USD]": 0}})) == ["shop:main", "world"]
    assert shop.count_accounts("main", {"pit": at(60)}, {"$match": {"balance[USD]": -5}}) == 1


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"$match": {"type": "NEW_TRANSACTION"}}, [6, 5, 4, 3, 2, 1]),
        ({"$like": {"type": "%METADATA"}}, [10, 9, 8]),  # 7 is the revert
        ({"$gte": {"id": 8}}, [10, 9, 8]),
        ({"$lt": {"date": at(120)}}, [2, 1]),
        ({"$not": {"$match": {"type": "NEW_TRANSACTION"}}}, [10, 9, 8, 7]),
    ],
)
def test_log_filters(shop: LedgerService, document: dict[str, Any], expected: list[int]) -> None:
    assert ids(shop.list_logs("main", {}, document)) == expected


def test_filters_refused_by_every_release(shop: LedgerService) -> None:
    date = "invalid date value: " + 'parsing time "yesterday" as "2006-01-02T15:04:05.999999999Z07:00"'
    cases = {
        '{"$match":{"invalid-key":0}}': "unknown key 'invalid-key' when building query",
        '{"$match":{"address":"a"}}': "unknown key 'address' when building query",
        '{"$gt":{"reference":"a"}}': "operator '$gt' is not allowed for property 'reference'",
        '{"$match":{"id":"1"}}': "invalid value '1' for property 'id': expected numeric value, got string",
        '{"$match":{"reverted":1}}': "invalid value '1' for property 'reverted': expected boolean value, got *big.Int",
        '{"$in":{"account":"a"}}': "invalid value 'a' for property 'account': "
        "expected array value for operator $in, got string",
        '{"$in":{"account":[1]}}': "invalid value '[1]' for property 'account': "
        "expected string value in array for operator $in, got *big.Int",
        '{"$lt":{"timestamp":"yesterday"}}': f"invalid value 'yesterday' for property 'timestamp': {date}: "
        'cannot parse "yesterday" as "2006"',
        '{"$lt":{"timestamp":5}}': "invalid value '5' for property 'timestamp': "
        "expected string, time.Time, or *time.Time value, got *big.Int",
        '{"$exists":{"metadata":true}}': "invalid value 'true' for property 'metadata': "
        "expected string value, got bool",
    }
    for text, message in cases.items():
        with pytest.raises(LedgerError) as caught:
            shop.list_transactions("main", {"query": text})
        assert (caught.value.status, caught.value.message) == (400, "building filtered dataset: " + message)
        with pytest.raises(LedgerError) as counted:
            shop.count_transactions("main", {"query": text})
        assert counted.value.message == message  # counts do not wrap it
