"""Volumes, aggregated balances, ledgers, logs and expansions, on the ``shop`` ledger."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from mockserver.ledger.errors import INTERNAL_TEXT, LedgerError
from mockserver.ledger.service import LedgerService
from tests.ledger.conftest import at, ids, make_service, send, wire


def volumes(svc: LedgerService, params: dict[str, Any] | None = None, body: Any = None) -> list[tuple]:
    rows = svc.volumes_with_balances("main", {"pageSize": "100", **(params or {})}, body)["cursor"]["data"]
    return [(r["account"], r["asset"], r["input"], r["output"], r["balance"]) for r in rows]


def test_volumes_are_current_totals_by_account_then_asset(shop: LedgerService) -> None:
    assert volumes(shop) == [
        ("shop:main", "USD", 30, 35, -5),
        ("shop:main:sub", "USD", 20, 0, 20),
        ("users:alice", "USD", 130, 30, 100),
        ("users:alice:savings", "EUR", 10, 0, 10),
        ("users:bob", "USD", 50, 20, 30),
        ("world", "EUR", 0, 10, -10),
        ("world", "USD", 5, 150, -145),
    ]
    # insertionDate alone changes nothing: without dates these are the current totals
    assert volumes(shop, {"insertionDate": "true"}) == volumes(shop)


def test_volumes_in_a_window(shop: LedgerService) -> None:
    """[startTime, endTime], both inclusive: what moved then, not cumulative totals."""
    assert volumes(shop, {"startTime": at(60), "endTime": at(180)}) == [
        ("shop:main", "USD", 30, 0, 30),
        ("shop:main:sub", "USD", 20, 0, 20),
        ("users:alice", "USD", 0, 30, -30),
        ("users:bob", "USD", 50, 20, 30),
        ("world", "USD", 0, 50, -50),
    ]
    assert volumes(shop, {"oot": at(60), "pit": at(180)}) == volumes(shop, {"startTime": at(60), "endTime": at(180)})
    # effective dates by default (the back-dated transaction counts), insertion dates on demand
    assert volumes(shop, {"endTime": at(0)}) == [
        ("shop:main", "USD", 0, 5, -5),
        ("users:alice", "USD", 100, 0, 100),
        ("world", "USD", 5, 100, -95),
    ]
    assert volumes(shop, {"pit": at(0), "insertionDate": "true"}) == [
        ("users:alice", "USD", 100, 0, 100),
        ("world", "USD", 0, 100, -100),
    ]


def test_volumes_filters_and_groups(shop: LedgerService) -> None:
    assert volumes(shop, {"groupBy": "1"}) == [
        ("shop", "USD", 50, 35, 15),
        ("users", "EUR", 10, 0, 10),
        ("users", "USD", 180, 50, 130),
        ("world", "EUR", 0, 10, -10),
        ("world", "USD", 5, 150, -145),
    ]
    # the accounts family of patterns, under the field's name or its alias
    assert [r[0] for r in volumes(shop, None, {"$match": {"account": "users:"}})] == [
        "users:alice",
        "users:alice:savings",
        "users:bob",
    ]
    # balance[X] keeps rows of X only, before grouping
    assert volumes(shop, {"groupBy": "1"}, {"$gt": {"balance[USD]": 0}}) == [
        ("shop", "USD", 20, 0, 20),
        ("users", "USD", 180, 50, 130),
    ]
    assert volumes(shop, None, {"$in": {"address": ["world"]}}) == volumes(shop)[-2:]
    assert volumes(shop, None, {"$match": {"metadata[tier]": "gold"}}) == [("users:alice", "USD", 130, 30, 100)]
    assert volumes(shop, None, {"$match": {"address": "foo:"}}) == []


def test_volumes_parameters_checked_first(shop: LedgerService) -> None:
    for params, message in [
        ({"groupBy": "x"}, 'strconv.ParseInt: parsing "x": invalid syntax'),
        ({"groupBy": "99999999999999999999"}, 'strconv.ParseInt: parsing "99999999999999999999": value out of range'),
        ({"endTime": "x"}, 'parsing time "x" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "x" as "2006"'),
        # checked even with a cursor, which otherwise decides everything
        (
            {"startTime": "x", "cursor": "e30"},
            'parsing time "x" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "x" as "2006"',
        ),
    ]:
        with pytest.raises(LedgerError) as caught:
            shop.volumes_with_balances("main", params)
        assert (caught.value.status, caught.value.message) == (400, message)


def test_aggregated_balances(shop: LedgerService) -> None:
    # world included: with no filter every asset sums to zero, and is listed
    assert shop.aggregate_balances("main", {}) == {"EUR": 0, "USD": 0}
    assert shop.aggregate_balances("main", {}, {"$match": {"address": "users:"}}) == {"EUR": 10, "USD": 130}
    assert shop.aggregate_balances("main", {}, {"$in": {"address": ["nobody"]}}) == {}
    assert shop.aggregate_balances("main", {}, {"$match": {"metadata[tier]": "gold"}}) == {"USD": 100}
    # at a point in time: effective volumes, or by insertion date on demand
    assert shop.aggregate_balances("main", {"pit": at(0)}, {"$match": {"address": "shop:"}}) == {"USD": -5}
    assert (
        shop.aggregate_balances("main", {"pit": at(0), "useInsertionDate": "true"}, {"$match": {"address": "shop:"}})
        == {}
    )
    assert shop.aggregate_balances(
        "main", {"pit": at(300), "use_insertion_date": "1"}, {"$match": {"address": "shop:"}}
    ) == {"USD": 45}
    # metadata as dated at pit: alice was not gold yet
    assert shop.aggregate_balances("main", {"pit": at(300)}, {"$match": {"metadata[tier]": "gold"}}) == {}
    with pytest.raises(LedgerError, match="unknown key 'balance\\[USD\\]' when building query"):
        shop.aggregate_balances("main", {}, {"$gt": {"balance[USD]": 0}})


def test_missing_features(service: LedgerService) -> None:
    service.create_ledger(
        "bare", {"features": {"MOVES_HISTORY": "OFF", "MOVES_HISTORY_POST_COMMIT_EFFECTIVE_VOLUMES": "DISABLED"}}
    )
    calls = [
        (
            lambda: service.aggregate_balances("bare", {"pit": at(0)}),
            'missing feature "MOVES_HISTORY_POST_COMMIT_EFFECTIVE_VOLUMES"',
        ),
        (
            lambda: service.aggregate_balances("bare", {"pit": at(0), "useInsertionDate": "true"}),
            'missing feature "MOVES_HISTORY"',
        ),
        (
            lambda: service.volumes_with_balances("bare", {"endTime": at(0)}),
            'building filtered dataset: missing feature "MOVES_HISTORY"',
        ),
        (
            lambda: service.count_accounts("bare", {"pit": at(0)}, {"$gt": {"balance[USD]": 0}}),
            'missing feature "MOVES_HISTORY"',
        ),
        (
            lambda: service.list_accounts("bare", {"expand": "volumes"}),
            "expanding results: feature MOVES_HISTORY must be 'ON' to use volumes",
        ),
    ]
    for call, message in calls:
        with pytest.raises(LedgerError) as caught:
            call()
        assert (caught.value.status, caught.value.message) == (400, message)


def test_accounts_expanded_at_a_point_in_time(shop: LedgerService) -> None:
    """``volumes`` by insertion date, ``effectiveVolumes`` by effective date, as of ``pit``."""
    page = shop.list_accounts(
        "main", {"pit": at(60), "expand": "volumes,effectiveVolumes"}, {"$match": {"address": "shop:main"}}
    )
    shown = page["cursor"]["data"][0]
    assert "volumes" not in shown  # nothing about shop:main was inserted by then
    assert shown["effectiveVolumes"] == {"USD": {"input": 0, "output": 5, "balance": -5}}
    now = shop.list_accounts("main", {"expand": ["volumes", "effectiveVolumes"]}, {"$match": {"address": "users:bob"}})
    bob = now["cursor"]["data"][0]
    assert bob["volumes"] == bob["effectiveVolumes"] == {"USD": {"input": 50, "output": 20, "balance": 30}}
    assert "volumes" not in shop.list_accounts("main", {"expand": "foo"})["cursor"]["data"][0]


def test_listed_transactions_expand_like_the_created_ones() -> None:
    svc = make_service()
    svc.create_ledger("main")
    created = [send(svc, ("world", f"a:{i}", i + 1, "USD"), ("a:0", "b", 1, "USD")) for i in range(3)]
    listed = svc.list_transactions("main", {"expand": "volumes,effectiveVolumes"})["cursor"]["data"]
    assert listed == created[::-1]
    plain = svc.list_transactions("main", {"expand": "effectiveVolumesX"})["cursor"]["data"][0]
    assert "postCommitVolumes" not in plain and "preCommitEffectiveVolumes" not in plain


def test_logs_carry_their_hash_chain(shop: LedgerService) -> None:
    logs = wire(shop.list_logs("main", {"pageSize": "100", "pit": "2000-01-01T00:00:00Z"}))["cursor"]["data"]
    assert [log["id"] for log in logs] == list(range(10, 0, -1))  # pit is read and ignored
    hashes = [base64.b64decode(log["hash"]) for log in logs]
    assert all(len(digest) == 32 for digest in hashes) and len(set(hashes)) == 10
    assert logs[-1]["type"] == "NEW_TRANSACTION" and logs[-1]["data"]["accountMetadata"] == {}
    assert logs[0]["data"] == {"targetType": "ACCOUNT", "targetId": "ghost:1", "metadata": {"tier": "none"}}
    service = make_service()
    service.create_ledger("plain", {"features": {"HASH_LOGS": "DISABLED"}})
    send(service, ("world", "a", 1, "USD"), ledger="plain")
    assert service.list_logs("plain")["cursor"]["data"][0]["hash"] is None


def test_ledgers_list_and_filters() -> None:
    svc = make_service()
    for i in range(12):
        svc.create_ledger(f"ledger{i}", {"bucket": f"bucket{i % 2}", "metadata": {"foo": f"bar{i % 3}"}})
    svc.create_ledger("flat", {"features": {"HASH_LOGS": "DISABLED"}})

    def names(params: dict[str, Any] | None = None, body: Any = None) -> list[str]:
        return [row["name"] for row in svc.list_ledgers({"pageSize": "100", **(params or {})}, body)["cursor"]["data"]]

    assert names()[:3] == ["ledger0", "ledger1", "ledger2"] and len(names()) == 13
    assert names({"sort": "id:desc"})[0] == "flat"
    assert len(names(None, {"$match": {"bucket": "bucket0"}})) == 6
    assert len(names(None, {"$like": {"bucket": "bucket%"}})) == 0  # bucket is an equality, whatever the operator
    assert names(None, {"$match": {"metadata[foo]": "bar0"}}) == ["ledger0", "ledger3", "ledger6", "ledger9"]
    assert names(None, {"$match": {"name": "ledger1"}}) == ["ledger1"]
    assert names(None, {"$like": {"name": "ledger1%"}}) == ["ledger1", "ledger10", "ledger11"]
    assert names(None, {"$match": {"features[HASH_LOGS]": "DISABLED"}}) == ["flat"]
    assert len(names(None, {"$exists": {"metadata": "foo"}})) == 12
    for document, message in [
        ({"$match": {"id": 1}}, "building filtered dataset: invalid filter property id"),
        ({"$match": {"features": "x"}}, "building filtered dataset: invalid filter property features"),
    ]:
        with pytest.raises(LedgerError) as caught:
            svc.list_ledgers({}, document)
        assert (caught.value.status, caught.value.message) == (400, message)
    with pytest.raises(LedgerError, match="field name is not paginated"):
        svc.list_ledgers({"sort": "name"})


def test_ledgers_of_deleted_buckets(shop: LedgerService) -> None:
    shop.create_ledger("gone", {"bucket": "old"})
    shop.delete_bucket("old")
    listed = shop.list_ledgers({})["cursor"]
    assert [row["name"] for row in listed["data"]] == ["main"]
    everything = shop.list_ledgers({"includeDeleted": "TRUE"})["cursor"]["data"]
    assert [row["name"] for row in everything] == ["main", "gone"]
    assert everything[1]["deletedAt"] == at(480) and "deletedAt" not in everything[0]


# Each: the call, the release's 500, the advice spec mode answers with a 400.
RELEASE_FAILS: list[tuple[str, Any]] = [
    ("in-partial", lambda s: s.list_transactions("main", {}, {"$in": {"account": ["users:"]}})),
    ("in-partial-accounts", lambda s: s.count_accounts("main", {}, {"$in": {"address": ["a", ":b"]}})),
    ("unknown-sort", lambda s: s.list_transactions("main", {"sort": "foo"})),
    ("sort-not-a-field", lambda s: s.list_accounts("main", {"sort": "account"})),
    ("expand-logs", lambda s: s.list_logs("main", {"expand": "volumes"})),
    ("expand-volumes", lambda s: s.volumes_with_balances("main", {"expand": ""})),
    ("expand-aggregate", lambda s: s.aggregate_balances("main", {"expand": "x"})),
    ("expand-ledgers", lambda s: s.list_ledgers({"expand": "x"})),
    ("expand-empty-accounts", lambda s: s.list_accounts("main", {"expand": ""})),
    ("exists-balance", lambda s: s.list_accounts("main", {}, {"$exists": {"balance[USD]": 1}})),
    ("exists-balance-volumes", lambda s: s.volumes_with_balances("main", {}, {"$exists": {"balance": 1}})),
    ("in-log-type", lambda s: s.list_logs("main", {}, {"$in": {"type": ["NEW_TRANSACTION"]}})),
    ("in-ledger-name", lambda s: s.list_ledgers({}, {"$in": {"name": ["main"]}})),
    ("balance-several-assets", lambda s: s.count_accounts("main", {}, {"$gt": {"balance": 0}})),
    ("metadata-no-key", lambda s: s.list_transactions("main", {}, {"$match": {"metadata[]": "x"}})),
    ("metadata-volumes", lambda s: s.volumes_with_balances("main", {}, {"$match": {"metadata[x": "x"}})),
    ("like-escape", lambda s: s.list_transactions("main", {}, {"$like": {"reference": "r\\"}})),
    ("sort-reverted-at", lambda s: s.list_transactions("main", {"sort": "reverted_at"})),
    ("volumes-sort-address", lambda s: s.volumes_with_balances("main", {"sort": "address"})),
]


@pytest.mark.parametrize(("case", "call"), RELEASE_FAILS, ids=[case for case, _ in RELEASE_FAILS])
def test_where_the_release_answers_500(case: str, call: Any) -> None:
    """Spec mode answers 400 VALIDATION with advice, ``--quirks real`` the release's 500."""
    for real in (False, True):
        svc = make_service(real=real)
        svc.create_ledger("main")
        send(svc, ("world", "a", 1, "USD"), ("world", "a", 1, "EUR"))
        with pytest.raises(LedgerError) as caught:
            call(svc)
        if real:
            assert (caught.value.status, caught.value.code, caught.value.message) == (500, "INTERNAL", INTERNAL_TEXT)
        else:
            assert (caught.value.status, caught.value.code) == (400, "VALIDATION"), case
            assert caught.value.message and "Internal" not in caught.value.message


def test_a_plain_balance_filter_fails_whatever_the_page(service: LedgerService) -> None:
    """The release evaluates its filter on every account: one holding two assets fails it even
    when the page asked for is full before it."""
    send(service, ("world", "a", 1, "USD"), ("world", "a2", 1, "USD"))
    send(service, ("world", "b", 1, "USD"), ("world", "b", 1, "EUR"))
    with pytest.raises(LedgerError) as caught:
        service.list_accounts("main", {"pageSize": "1"}, {"$gte": {"balance": 0}})
    assert caught.value.status == 400 and "holds 2 assets" in caught.value.message
    only_a = {"$and": [{"$match": {"address": "a"}}, {"$gte": {"balance": 0}}]}
    assert ids(service.list_accounts("main", {}, only_a)) == ["a"]


def test_sorting_by_revert_date_works_on_reverted_transactions(shop: LedgerService) -> None:
    page = shop.list_transactions("main", {"sort": "reverted_at"}, {"$match": {"reverted": True}})
    assert ids(page) == [3]
