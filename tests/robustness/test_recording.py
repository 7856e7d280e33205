"""The command log, in process: any sequence of operations replays into the identical state."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mockserver.config import Settings
from mockserver.core.clock import ManualClock, SystemClock
from mockserver.errors import MockError
from mockserver.orchestration.api import presenter as present
from mockserver.state import fixtures
from mockserver.state.backend import Backend
from mockserver.state.persistence import Persistence, StateFile
from mockserver.state.recording import Recorder, recording_backend
from tests.robustness.restarts import DELAY, OVERDRAFT, SEND, WAIT

ONE_COMMAND = '{"format": "orchestration-mock-state", "version": 1, "quirks": "spec", "clock": "real", "commands": 1}\n'
FLOWS = [WAIT, DELAY, SEND, OVERDRAFT, [{"noop": {}}], [{"teleport": {}}]]
# Repeated names are drawn more often: enough workflows, runs and triggers for the rest to act on.
OPERATIONS = ("create", "create", "run", "run", "run", "event", "event", "abort", "delete", "trigger", "trigger")
OPERATIONS += ("untrigger", "publish", "publish", "advance", "advance", "fund", "fixture", "pump", "reset", "bad_fund")
OPERATIONS += ("ledger", "book", "book", "revert", "tag")


def state_of(backend: Backend) -> dict[str, Any]:
    """Everything a client could observe, as the API and the control API present it."""
    store, engine = backend.store, backend.engine
    bank = engine.bank
    return {
        "workflows": [present.workflow(w) for w in store.workflows.values()],
        "live": list(store.live_workflows),
        "instances": [present.instance(i) for i in store.instances.values()],
        "running": list(store.running),
        "histories": {i.id: [present.stage_run(r) for r in i.history] for i in store.instances.values()},
        "activities": {
            i.id: {n: [present.activity(a) for a in acts] for n, acts in i.activities.items()}
            for i in store.instances.values()
        },
        "triggers": [present.trigger(t) for t in store.triggers.values()],
        "live_triggers": list(store.live_triggers),
        "occurrences": {
            t: [present.occurrence(o, store.instances) for o in items]
            for t, items in store.occurrences_by_trigger.items()
        },
        "events": engine.events.list(),
        "accounts": {
            n: {a: bank.account(n, a) for a in book.accounts} for n, book in backend.ledger.ledgers.books.items()
        },
        "transactions": {n: bank.transactions(n) for n in backend.ledger.ledgers.books},
        "logs": {
            n: [(log.id, log.type, log.data, log.hash, log.idempotency_key) for log in book.logs.values()]
            for n, book in backend.ledger.ledgers.books.items()
        },
        "bus": backend.bus.recent(),
        "wallets": bank.wallets(),
        "payments": bank.payments(),
        "links": {uri: engine.triggers.documents(uri) for uri in (f"http://links/{n}" for n in range(5))},
        "now": backend.clock.now(),
        "next_wakeup": engine.next_wakeup(),
    }


def apply(backend: Backend, operation: str, n: int) -> None:
    """One operation through the backend's own (recorded) methods, as the handlers call them."""
    store = backend.store
    workflows = sorted(store.live_workflows)
    instances = sorted(store.instances)
    try:
        if operation == "create":
            backend.workflows.create({"name": f"w{n}", "stages": FLOWS[n % len(FLOWS)]})
        elif operation == "run" and workflows:
            backend.instances.run(workflows[n % len(workflows)], {"v": str(n)})
            backend.engine.pump()
        elif operation == "event" and instances:
            backend.instances.send_event(instances[n % len(instances)], "go" if n % 3 else "nope")
        elif operation == "abort" and instances:
            backend.instances.abort(instances[n % len(instances)])
        elif operation == "delete" and workflows:
            backend.workflows.delete(workflows[n % len(workflows)])
        elif operation == "trigger" and workflows:
            body = {"event": "PAID", "workflowID": workflows[n % len(workflows)], "filter": f"event.n > {n % 3}"}
            backend.triggers.create(body)
        elif operation == "untrigger" and store.live_triggers:
            backend.triggers.delete(sorted(store.live_triggers)[n % len(store.live_triggers)])
        elif operation == "publish":
            date = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=n) if n % 2 else None
            backend.engine.publish_bus_event("PAID", {"n": n % 11, "id": str(n)}, date=date)
        elif operation == "advance":
            backend.clock.advance([0.5, 1, 30, 3600][n % 4])
            backend.engine.pump()
        elif operation == "fund":
            backend.engine.bank.fund("default", f"users:{n % 3}", "USD/2", n)
        elif operation == "bad_fund":
            backend.engine.bank.fund("default", "world", "USD/2", 1)  # refused: recorded as a failure
        elif operation == "fixture":
            ledgers = {"default": {"accounts": {f"users:f{n}": {"balances": {"USD/2": n}}}}}
            doc = {"workflows": [{"name": f"f{n}", "stages": WAIT}], "instances": [{"workflow": f"f{n}"}]}
            fixtures.load_fixture(backend, {**doc, "ledgers": ledgers, "links": {f"http://links/{n % 5}": {"n": n}}})
        elif operation == "pump":
            backend.engine.pump()
        elif operation == "ledger":
            backend.ledger.create_ledger(f"l{n % 3}")
        elif operation == "book":  # through the ledger API's own write; some refused for want of funds
            source = "world" if n % 4 else f"users:{n % 3}"
            body = {
                "postings": [{"source": source, "destination": f"users:{n % 5}", "amount": n % 50, "asset": "USD/2"}]
            }
            backend.ledger.create_transaction("default", body, idempotency_key=f"k{n % 7}" if n % 2 else None)
        elif operation == "revert":
            backend.ledger.revert_transaction("default", 1 + n % 4, force=bool(n % 2))
        elif operation == "tag":
            backend.ledger.add_account_metadata("default", f"users:{n % 3}", {"tag": str(n)})
        elif operation == "reset":
            fixtures.reset(backend)
    except MockError:
        pass


def _replayed(original: Recorder, settings: Settings, clock: Any) -> tuple[Backend, Recorder]:
    backend, recorder = recording_backend(settings, clock)
    recorder.replay(list(original.lines))
    return backend, recorder


EVERY_KIND = [("create", 0), ("run", 0), ("reset", 0), ("create", 0), ("create", 1), ("run", 0), ("run", 1)]
EVERY_KIND += [("trigger", 1), ("trigger", 2), ("publish", 10), ("event", 1), ("abort", 2), ("fund", 4)]
EVERY_KIND += [("bad_fund", 0), ("fixture", 3), ("advance", 3), ("untrigger", 0), ("delete", 0), ("publish", 9)]
EVERY_KIND += [("ledger", 1), ("book", 5), ("book", 8), ("book", 3), ("revert", 0), ("tag", 2)]


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 10_000)), max_size=40))
@example(steps=EVERY_KIND)
def test_any_sequence_replays_into_the_same_state(steps: list[tuple[str, int]]) -> None:
    settings_ = Settings(clock="manual", seed=None)  # random ids: the log must carry them
    first, recorder = recording_backend(settings_, ManualClock())
    first.ledger.create_ledger("default")
    for operation, n in steps:
        apply(first, operation, n)
    second, again = _replayed(recorder, settings_, ManualClock())
    assert again.divergences == []
    assert state_of(second) == state_of(first)
    assert again.lines == recorder.lines  # replaying records the same log again


def test_a_seeded_replay_goes_on_with_the_same_ids() -> None:
    settings_ = Settings(clock="manual", seed=5)
    first, recorder = recording_backend(settings_, ManualClock())
    for n, operation in enumerate(["create", "run", "reset", "create", "run", "trigger", "publish"]):
        apply(first, operation, n)
    second, _ = _replayed(recorder, settings_, ManualClock())
    assert first.ids.uuid() == second.ids.uuid()


def test_idle_pumps_are_not_recorded_and_a_reset_restarts_the_log() -> None:
    backend, recorder = recording_backend(Settings(clock="manual"), ManualClock())
    for _ in range(100):
        backend.engine.pump()  # what every GET does: nothing due, nothing recorded
    assert recorder.lines == []
    apply(backend, "create", 1)
    apply(backend, "run", 1)
    assert len(recorder.lines) == 3  # create, run, the pump that started the stages
    fixtures.reset(backend)
    assert [line.split('"op":"')[1].split('"')[0] for line in recorder.lines] == ["clear"]


def test_a_real_clock_keeps_its_offset_across_a_replay() -> None:
    settings_ = Settings(clock="real")
    first, recorder = recording_backend(settings_, SystemClock())
    first.clock.advance(7200)
    apply(first, "create", 2)
    apply(first, "run", 2)
    second, _ = _replayed(recorder, settings_, SystemClock())
    assert abs((second.clock.now() - first.clock.now()).total_seconds() - 0) < 5
    assert state_of(second)["instances"] == state_of(first)["instances"]


def test_a_save_cut_short_leaves_the_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = StateFile(tmp_path / "state")
    file.write(b'{"format": "orchestration-mock-state", "version": 1, "commands": 0}\n')
    before = file.path.read_bytes()

    def crash(*_: Any) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        file.write(b"half")
    assert file.path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [file.path]  # no temporary file left behind


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a state file"),
        ("garbage\n", "not a state file"),
        ('{"format": "other", "version": 1, "commands": 0}\n', "not a version 1"),
        ('{"format": "orchestration-mock-state", "version": 1, "commands": 2}\n{}\n', "announces 2"),
        (ONE_COMMAND + "not json\n", "line 2"),
        (ONE_COMMAND + '{"op": "rm -rf"}\n', "line 2"),
    ],
)
def test_a_damaged_state_file_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "state"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        Persistence.open(Settings(state_file=path))


def test_a_state_file_of_another_mode_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state"
    Persistence.open(Settings(state_file=path, quirks="real"))
    with pytest.raises(ValueError, match="--quirks real"):
        Persistence.open(Settings(state_file=path, quirks="spec"))


def test_the_state_file_is_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "state"
    Persistence.open(Settings(state_file=path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
