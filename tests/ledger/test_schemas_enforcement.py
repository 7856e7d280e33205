"""Writes under a schema: ``schemaVersion``, audit and strict enforcement, the chart of accounts,
transaction templates and the chart's default metadata."""

from __future__ import annotations

from typing import Any

import orjson

from tests.ledger.support_admin import Ledger, error, make_app

CHART = {
    "world": {},
    "bank": {},
    "users": {
        "$userID": {".pattern": "^[0-9]{3}$", ".metadata": {"tier": {"default": "basic"}, "open": {"default": "yes"}}}
    },
}
SCRIPT = "vars {\n  monetary $amount\n  account $user\n}\nsend $amount (\n  source = @world\n  destination = $user\n)\n"


def ledger(mode: str = "audit", **schema: Any) -> Ledger:
    client = Ledger(make_app(schema_enforcement=mode))
    client.create("main")
    reply = client.post("/main/schemas/v1", json={"chart": CHART, **schema})
    assert reply.status_code == 204, reply.text
    return client


def pay(client: Ledger, destination: str, version: str | None = None, **extra: Any) -> Any:
    body = {"metadata": {}, "postings": [{"source": "world", "destination": destination, "amount": 10, "asset": "USD"}]}
    params = {"schemaVersion": version} if version else {}
    return client.post("/main/transactions", params=params, json={**body, **extra})


def test_an_unknown_schema_version_is_404_in_both_modes() -> None:
    for mode in ("audit", "strict"):
        message = error(pay(ledger(mode), "bank", "v9"), 404, "NOT_FOUND")
        assert (
            message
            == "unexpected error while forging log: schema version `v9` not found, latest available version is `v1`"
        )
    plain = Ledger(make_app())
    plain.create("main")
    message = error(pay(plain, "bank", "v9"), 404, "NOT_FOUND")
    assert message.endswith("schema version `v9` not found, this ledger doesn't have a schema")


def test_without_a_version_audit_lets_the_write_through_and_strict_asks_for_one() -> None:
    assert pay(ledger("audit"), "anything").status_code == 200  # audit: not an error, no check at all
    strict = ledger("strict")
    message = error(pay(strict, "bank"), 400, "SCHEMA_NOT_SPECIFIED")
    assert (
        message == "unexpected error while forging log: a schema version must be specified for this ledger, "
        "latest available version is v1"
    )
    error(strict.post("/main/accounts/bank/metadata", json={"a": "b"}), 400, "SCHEMA_NOT_SPECIFIED")
    assert strict.post("/main/schemas/v2", json={"chart": {}}).status_code == 204  # inserting never needs one


def test_the_chart_refuses_unknown_accounts_in_strict_mode_only() -> None:
    strict = ledger("strict")
    assert pay(strict, "users:001", "v1").status_code == 200
    cases = {
        "nobody": "account `nobody` is not defined in the chart of accounts",
        "bonk:1": "account starting with `bonk` is not defined in the chart of accounts",
        "users:abcd": "segment `abcd` defined by the chart of accounts at `users` does not match the pattern",
        "bank:extra": "segment `extra` is not allowed by the chart of accounts at `bank`",
    }
    for address, reason in cases.items():
        message = error(pay(strict, address, "v1"), 400, "VALIDATION")
        assert message == f"unexpected error while forging log: schema version [v1]: {reason}"
    audit = ledger("audit")
    assert pay(audit, "nobody", "v1").status_code == 200  # audit: a violation is not an error
    # reverts and metadata writes are never checked against the chart
    assert strict.post("/main/transactions/1/revert", params={"schemaVersion": "v1"}).status_code == 201
    assert strict.post("/main/accounts/elsewhere/metadata", params={"schemaVersion": "v1"}, json={}).status_code == 204


def test_new_accounts_get_the_charts_default_metadata() -> None:
    client = ledger()
    pay(client, "users:001", "v1", accountMetadata={"users:002": {"tier": "gold"}})
    pay(client, "users:003")  # no version: no schema, no defaults
    assert client.get("/main/accounts/users:001").json()["data"]["metadata"] == {"tier": "basic", "open": "yes"}
    assert client.get("/main/accounts/users:002").json()["data"]["metadata"] == {"tier": "gold", "open": "yes"}
    assert client.get("/main/accounts/users:003").json()["data"]["metadata"] == {}
    # only when the account is created: an existing one keeps what it has
    client.post("/main/accounts/users:003/metadata", params={"schemaVersion": "v1"}, json={"x": "1"})
    assert client.get("/main/accounts/users:003").json()["data"]["metadata"] == {"x": "1"}
    client.post("/main/accounts/users:004/metadata", params={"schemaVersion": "v1"}, json={"open": "no"})
    assert client.get("/main/accounts/users:004").json()["data"]["metadata"] == {"tier": "basic", "open": "no"}
    # the log keeps the request's account metadata and the version it ran under
    book = client.book("main")
    first = book.logs[2]
    assert first.schema_version == "v1"
    assert orjson.loads(first.data)["accountMetadata"] == {"users:002": {"tier": "gold"}}
    assert book.logs[3].schema_version is None


def test_a_template_books_its_script_and_the_transaction_names_it() -> None:
    client = ledger(transactions={"DEPOSIT": {"description": "deposit", "script": SCRIPT}})
    body = {"metadata": {}, "script": {"template": "DEPOSIT", "vars": {"amount": "USD 42", "user": "users:007"}}}
    reply = client.post("/main/transactions", params={"schemaVersion": "v1"}, json=body)
    assert reply.status_code == 200, reply.text
    tx = reply.json()["data"]
    assert tx["template"] == "DEPOSIT"
    assert tx["postings"] == [{"source": "world", "destination": "users:007", "amount": 42, "asset": "USD"}]
    assert client.get("/main/transactions/1").json()["data"]["template"] == "DEPOSIT"
    dry = client.post("/main/transactions", params={"schemaVersion": "v1", "dryRun": "true"}, json=body)
    assert dry.json()["data"]["template"] == "DEPOSIT"


def test_template_refusals() -> None:
    audit = ledger(transactions={"DEPOSIT": {"script": SCRIPT}})
    strict = ledger("strict", transactions={"DEPOSIT": {"script": SCRIPT}})
    prefix = "unexpected error while forging log: schema version [v1]: "
    # plain postings on a schema with templates: refused in both modes
    assert error(pay(audit, "bank", "v1"), 400, "VALIDATION") == prefix + "failed to find transaction template ``"
    assert (
        error(pay(strict, "bank", "v1"), 400, "VALIDATION")
        == prefix + "transactions on this ledger must use a template"
    )
    unknown = {"metadata": {}, "script": {"template": "NOPE", "vars": {}}}
    reply = audit.post("/main/transactions", params={"schemaVersion": "v1"}, json=unknown)
    assert error(reply, 400, "VALIDATION") == prefix + "failed to find transaction template `NOPE`"
    no_templates = ledger()
    reply = no_templates.post("/main/transactions", params={"schemaVersion": "v1"}, json=unknown)
    assert error(reply, 400, "VALIDATION") == prefix + "can only use templates on a schema with transaction definitions"
    reply = no_templates.post("/main/transactions", json=unknown)
    expected = (
        "unexpected error while forging log: schema version []: "
        "can only use templates on a schema with transaction definitions"
    )
    assert error(reply, 400, "VALIDATION") == expected


def test_a_replay_is_answered_before_any_schema_check() -> None:
    client = ledger("strict")
    key = {"Idempotency-Key": "once"}
    assert pay(client, "bank", "v1", headers=None).status_code == 200
    first = client.post(
        "/main/transactions",
        params={"schemaVersion": "v1"},
        headers=key,
        json={"metadata": {}, "postings": [{"source": "world", "destination": "bank", "amount": 1, "asset": "USD"}]},
    )
    assert first.status_code == 200
    again = client.post(
        "/main/transactions",
        headers=key,
        json={"metadata": {}, "postings": [{"source": "world", "destination": "bank", "amount": 1, "asset": "USD"}]},
    )
    assert again.status_code == 200 and again.headers["Idempotency-Hit"] == "true"
