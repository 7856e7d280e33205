"""Model checks of the webhooks configs: an answer against the suite's model (``oracle/webhooks_model.py``).

* ``config_matches_model``: a config answered or listed has the endpoint, lower-cased event types, state and
  secret the calls left (a created config carries a secret);
* ``configs_newest_first``: the list holds the run's configs most recently touched first;
* ``config_write_without_body``: update and delete answer 200 with no body, as the release does;
* ``activation_answers_previous``: activate, deactivate and secret change answer the config with the
  ``updatedAt`` it had before the call;
* ``invalid_config_refused``: an endpoint, secret or event types the release refuses is 400 ``VALIDATION``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contract_tests.checks.registry import check
from contract_tests.core.errors import Violation

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__: list[str] = []


def _item(ex: Exchange, config_id: str) -> dict[str, Any] | None:
    data = ex.data
    if isinstance(data, list):
        return next((c for c in data if isinstance(c, dict) and c.get("id") == config_id), None)
    return data if isinstance(data, dict) else None


@check(kind="model", service="webhooks")
def config_matches_model(ex: Exchange, *, expected: dict[str, Any]) -> None:
    """A config (answered, or its item in the list) has the fields the calls left it, and a secret."""
    shown = _item(ex, str(expected["id"]))
    if shown is None:
        raise Violation("config missing", expected=f"config {expected['id']}", actual=ex.describe(), kind="missing")
    differ = {k: shown.get(k) for k, v in expected.items() if shown.get(k) != v}
    if not isinstance(shown.get("secret"), str) or not shown.get("secret"):
        differ["secret"] = shown.get("secret")
    if differ:
        wanted = {k: expected.get(k, "a non-empty string") for k in differ}
        raise Violation(
            f"config differs from the model in {', '.join(sorted(differ))}",
            expected=f"{wanted}",
            actual=f"{differ}\n{ex.describe()}",
            kind=",".join(sorted(differ)),
        )


@check(kind="model", service="webhooks")
def configs_newest_first(ex: Exchange, *, order: list[str]) -> None:
    """The list is every config, most recently updated first (activation and secret changes move one up)."""
    data = ex.data if isinstance(ex.data, list) else []
    wanted = set(order)
    listed = [str(c.get("id")) for c in data if isinstance(c, dict) and c.get("id") in wanted]
    if listed != order:
        raise Violation("configs out of order", expected=f"newest first: {order}", actual=f"{listed}", kind="order")


@check(kind="model", service="webhooks")
def config_write_without_body(ex: Exchange, *, why: str) -> None:
    """Update and delete answer 200 with an empty body (the release's status, not 204)."""
    if ex.status != 200 or ex.response.content.strip():
        raise Violation(
            f"{why}: got {ex.status}", expected=f"200 with no body ({why})", actual=ex.describe(), kind=f"{ex.status}"
        )


@check(kind="model", service="webhooks")
def activation_answers_previous(ex: Exchange, *, previous: dict[str, Any], changed: dict[str, Any]) -> None:
    """Activate, deactivate and secret change answer the config as it was, with only the changed field changed:
    its previous `updatedAt`."""
    shown = ex.data if isinstance(ex.data, dict) else {}
    wanted = {**{k: previous.get(k) for k in ("id", "updatedAt", "createdAt", "endpoint")}, **changed}
    differ = {k: shown.get(k) for k, v in wanted.items() if shown.get(k) != v}
    if differ:
        raise Violation(
            f"answer differs from the previous config in {', '.join(sorted(differ))}",
            expected=f"{ {k: wanted[k] for k in differ} }",
            actual=f"{differ}\n{ex.describe()}",
            kind=",".join(sorted(differ)),
        )


@check(kind="model", service="webhooks")
def invalid_config_refused(ex: Exchange, *, why: str) -> None:
    """A config the release refuses (endpoint, secret or event types) is answered 400 VALIDATION."""
    body = ex.json()
    code = body.get("errorCode") if isinstance(body, dict) else None
    if ex.status != 400 or code != "VALIDATION":
        raise Violation(
            f"{why}: got {ex.status}", expected=f"400 VALIDATION ({why})", actual=ex.describe(), kind=f"{ex.status}"
        )
