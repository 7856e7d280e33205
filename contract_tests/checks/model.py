"""Scenario and model checks: the server's answer compared with what the suite's own model expects.

Each takes the exchange being judged plus the expectation, and raises `Violation`. The invariants phase and
the model state machine both apply them through `CheckedApi.apply`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from contract_tests.checks.fields import raise_if_differ
from contract_tests.checks.registry import Kind, check
from contract_tests.core.errors import Violation
from contract_tests.oracle.model import Prediction

if TYPE_CHECKING:
    from contract_tests.transport.client import Exchange

__all__ = ["STATUS_CHECKS"]


def _status_check(name: str, kind: Kind, invariants: tuple[int, ...], promise: str) -> None:
    def status(ex: Exchange, *, expected: int | Iterable[int], why: str = "") -> None:
        allowed = {expected} if isinstance(expected, int) else set(expected)
        if ex.status not in allowed:
            raise Violation(
                f"{why or promise}: got {ex.status}",
                expected=f"{' or '.join(map(str, sorted(allowed)))} ({why or promise})",
                actual=ex.describe(),
                # Different expectations on one operation are different findings.
                kind=f"status {ex.status}: {why}" if why else f"status {ex.status}",
            )

    status.__doc__ = promise
    check(kind=kind, invariants=invariants, name=name)(status)


# name -> (kind, invariants, promise)
STATUS_CHECKS: dict[str, tuple[Kind, tuple[int, ...], str]] = {
    "auth_required": ("auth", (), "a request without a token is refused with 401"),
    "invalid_token_rejected": ("auth", (), "a request with a forged token is refused with 401"),
    "write_scope_required": ("auth", (), "a write with a read-only token is refused with 403"),
    "valid_request_accepted": ("model", (7,), "a valid request succeeds with the documented status"),
    "unknown_resource_not_found": ("scenario", (5, 19), "an unknown resource answers 404"),
    "deleted_resource_not_found": ("model", (19,), "a deleted trigger answers 404"),
    "malformed_id_rejected": ("scenario", (5,), "a workflow id that is not a UUID answers 400 on delete"),
    "invalid_definition_rejected": ("scenario", (6,), "an invalid workflow definition answers 400"),
    "invalid_trigger_rejected": ("scenario", (17,), "an invalid trigger answers 400, an unknown workflow 404"),
    "malformed_body_rejected": ("scenario", (), "a body that is not JSON or has the wrong shape answers 400"),
    "event_to_finished_rejected": ("model", (14,), "an event for a terminated instance answers 400"),
    "bad_page_rejected": ("scenario", (), "a v2 list refuses a cursor that does not decode and a negative pageSize"),
}
for _name, (_kind, _inv, _promise) in STATUS_CHECKS.items():
    _status_check(_name, _kind, _inv, _promise)


@check(kind="model", invariants=(10,))
def deleted_workflow_consistent(ex: Exchange, *, allowed: tuple[int, ...]) -> None:
    """A deleted workflow either stays readable with `deletedAt` set (spec text) or answers 404 (project rule)."""
    # The spec's operation texts keep deleted workflows readable and runnable; the project's spec-mode decisions
    # answer 404. Both are accepted until the two documents agree; an inconsistent mix is not.
    if ex.status not in allowed:
        raise Violation(
            f"deleted workflow answered {ex.status}",
            expected=" or ".join(map(str, allowed)),
            actual=ex.describe(),
            kind=f"status {ex.status}",
        )
    data = ex.data if isinstance(ex.data, dict) else {}
    if ex.operation.name == "getWorkflow" and ex.status == 200 and not data.get("deletedAt"):
        raise Violation("deleted workflow read without deletedAt", expected="deletedAt set", actual=ex.describe())


@check(kind="auth")
def read_scope_sufficient(ex: Exchange) -> None:
    """A read with a read-only token is not refused (no 401 or 403)."""
    if ex.status in (401, 403):
        raise Violation(
            f"read refused to a read-only token with {ex.status}",
            expected="any answer but 401/403",
            actual=ex.describe(),
            kind=f"status {ex.status}",
        )


@check(kind="model")
def versions_agree(ex: Exchange, *, other: dict[str, Any], version: str) -> None:
    """One resource read through v1 and through v2 of one server is the same, field for field."""
    read = ex.data if isinstance(ex.data, dict) else {}
    raise_if_differ(f"the {version} view differs in", other, read, sorted(set(read) | set(other)))


@check(kind="model", invariants=(3, 18))
def read_matches_created(ex: Exchange, *, created: dict[str, Any], fields: tuple[str, ...]) -> None:
    """A resource read back has the id, definition and timestamps it was created with."""
    read = ex.data if isinstance(ex.data, dict) else {}
    raise_if_differ("read differs from created in", created, read, fields)


def _ids(ex: Exchange) -> list[str]:
    data = ex.data if isinstance(ex.data, list) else []
    return [str(item.get("id")) for item in data if isinstance(item, dict)]


@check(kind="model", invariants=(4, 8, 18))
def list_contains_created(ex: Exchange, *, present: Iterable[str]) -> None:
    """A list shows every live resource the suite created (that matches its filter)."""
    missing = sorted(set(present) - set(_ids(ex)))
    if missing:
        raise Violation("created resource missing from list", expected=f"ids {missing} listed", actual=f"{_ids(ex)}")


@check(kind="model", invariants=(4, 10, 19))
def list_excludes_deleted(ex: Exchange, *, absent: Iterable[str]) -> None:
    """A list never shows a deleted resource (nor an instance of a deleted workflow)."""
    leaked = sorted(set(absent) & set(_ids(ex)))
    if leaked:
        raise Violation("deleted resource still listed", expected=f"ids {leaked} absent", actual=f"{_ids(ex)}")


def _filter_check(name: str, invariants: tuple[int, ...], promise: str) -> None:
    def applied(ex: Exchange, *, keep: Callable[[dict[str, Any]], bool], rule: str) -> None:
        data = ex.data if isinstance(ex.data, list) else []
        wrong = [item.get("id") for item in data if isinstance(item, dict) and not keep(item)]
        if wrong:
            raise Violation(f"list filter ignored ({rule})", expected=rule, actual=f"items {wrong[:5]} do not match")

    applied.__doc__ = promise
    check(kind="model", invariants=invariants, name=name)(applied)


_filter_check("workflow_filter_applied", (8,), "`GET /instances?workflowID=X` lists only X's instances")
_filter_check("running_filter_applied", (9,), "`GET /instances?running=true` lists no terminated instance")
_filter_check("name_filter_applied", (), "`GET /triggers?name=s` lists only names containing s (any case)")


@check(kind="model", invariants=(11, 12, 13))
def instance_progress(ex: Exchange, *, prediction: Prediction) -> None:
    """An instance is terminated, failed and as far along its stages as the model says."""
    data = ex.data if isinstance(ex.data, dict) else {}
    actual = {
        "terminated": data.get("terminated"),
        "failed": bool(data.get("error")),
        "started": len(data.get("status") or []),
    }
    expected = {"terminated": prediction.terminated, "failed": prediction.failed, "started": prediction.started}
    wrong = [key for key, value in expected.items() if value is not None and actual[key] != value]
    if wrong:
        raise Violation(
            f"instance {', '.join(wrong)} not as its stages say",
            expected=str({k: expected[k] for k in wrong}),
            actual=str({k: actual[k] for k in wrong}) + f" in {data}",
            kind=",".join(wrong),
        )


@check(kind="model", invariants=(11, 13))
def history_matches_stages(ex: Exchange, *, names: list[str], running_last: bool) -> None:
    """The instance history has one entry per started stage, named after its kind, in order."""
    data = ex.data if isinstance(ex.data, list) else []
    actual = [entry.get("name") for entry in data if isinstance(entry, dict)]
    if actual != names:
        raise Violation("history does not follow the stages", expected=str(names), actual=str(actual), kind="names")
    if running_last and data and data[-1].get("terminated") is not False:
        raise Violation("waiting stage reported finished", expected="terminated: false", actual=str(data[-1]))


@check(kind="model", invariants=(15, 20))
def stage_history_matches(ex: Exchange, *, activities: list[str]) -> None:
    """A stage's activity history lists the activities its kind runs (none for delay, wait_event, noop)."""
    data = ex.data if isinstance(ex.data, list) else []
    actual = [entry.get("name") for entry in data if isinstance(entry, dict)]
    if actual != activities:
        raise Violation("unexpected stage activities", expected=str(activities), actual=str(actual), kind="names")


@check(kind="model", invariants=(20, 21, 22, 23))
def occurrences_counted(ex: Exchange, *, expected: int, why: str) -> None:
    """A trigger has exactly the occurrences its matching events produced."""
    data = ex.data if isinstance(ex.data, list) else []
    if len(data) != expected:
        raise Violation(f"{len(data)} occurrences ({why})", expected=f"{expected} ({why})", actual=str(data)[:400])


@check(kind="model", invariants=(7, 21))
def ids_fresh(ex: Exchange, *, seen: set[str]) -> None:
    """A created resource gets a new, non-empty id."""
    new_id = (ex.data or {}).get("id") if isinstance(ex.data, dict) else None
    if not new_id or new_id in seen:
        raise Violation("id reused or empty", expected="a fresh id", actual=f"{new_id!r}", kind="id")


@check(kind="scenario", invariants=(24,))
def vars_reach_run(ex: Exchange, *, expected: Any) -> None:
    """A trigger's vars become the run's variables: the first stage's resolved amount is the event's."""
    data = ex.data if isinstance(ex.data, list) else []
    first = data[0] if data and isinstance(data[0], dict) else {}
    amount = ((first.get("input") or {}).get("amount") or {}).get("amount")
    if amount != expected:
        raise Violation("trigger var did not reach the run", expected=f"amount.amount == {expected}", actual=str(first))


@check(kind="scenario", invariants=(6,))
def rejected_not_stored(ex: Exchange, *, marker: str) -> None:
    """A rejected definition adds no workflow to the list."""
    data = ex.data if isinstance(ex.data, list) else []
    stored = [w.get("id") for w in data if isinstance(w, dict) and (w.get("config") or {}).get("name") == marker]
    if stored:
        raise Violation("rejected definition was stored", expected=f"no workflow named {marker}", actual=str(stored))


@check(kind="model")
def trigger_test_agrees_with_firing(
    ex: Exchange, *, occurrences: list[dict[str, Any]], first_input: Any, var: str
) -> None:
    """What testTrigger answers for a payload is what publishing it does: no match, no occurrence; a match
    with every var evaluated, one run that receives those values; a var error, no run."""
    data = ex.data if isinstance(ex.data, dict) else {}
    found, variables = data.get("filter"), data.get("variables")
    fires = found is None or (isinstance(found, dict) and found.get("match") is True)
    started = [o for o in occurrences if o.get("workflowInstanceID")]
    said = ex.describe()
    if not fires:
        if occurrences:
            raise Violation("testTrigger said no match, yet the event fired", expected="no occurrence", actual=said)
        return
    if not isinstance(variables, dict):
        raise Violation("testTrigger matched but evaluated no vars", expected="every var's value or error", actual=said)
    errors = [v.get("error") for v in variables.values() if isinstance(v, dict) and v.get("error")]
    if errors:
        if started:
            raise Violation("testTrigger reported a var error, yet a run started", expected="no run", actual=said)
        return
    value = (variables.get(var) or {}).get("value")
    if len(started) != 1:
        raise Violation(
            "testTrigger matched, but the event did not start one run",
            expected="one occurrence with workflowInstanceID",
            actual=f"{len(started)} runs; test said {said}",
        )
    if first_input != value:
        raise Violation(
            "the run did not receive the var testTrigger computed",
            expected=f"{var} = {value!r}",
            actual=f"the run's first stage received {first_input!r}",
        )


@check(kind="model", invariants=(11, 12))
def instance_stays_terminated(ex: Exchange, *, instance: dict[str, Any], before: dict[str, Any]) -> None:
    """An instance once seen terminated stays terminated, with the same terminatedAt and error."""
    if before.get("terminated") is not True:
        return
    raise_if_differ("terminated instance changed:", before, instance, ("terminated", "terminatedAt", "error"))
