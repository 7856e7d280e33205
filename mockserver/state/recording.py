"""Event sourcing of the backend: every state-changing call becomes a replayable command.

Why commands and not a snapshot: the engine's objects (stage generators, scheduler
callbacks) cannot be pickled, but the engine is deterministic. The same calls, made in
the same order, at the same clock readings, drawing the same ids, rebuild the same state.

What is recorded: the calls of ``COMMANDS``, whoever makes them (an API handler, the
control API, a fixture load, the gateway's pump before each request, the background
pump). A command is its operation, its arguments (passed through JSON first, so the live
call and its replay see the very same values), the clock reading it ran at and the ids
it drew. Calls made *inside* a command (a fixture creating workflows, ``send_event``
pumping the engine) belong to it and are not recorded again.

One reading per command: while a command runs, the clock is frozen at the reading taken
when it started. A manual clock behaves exactly as before; with a real clock the whole
of one request happens at one instant, which is what the replay reproduces.

Pumps: the engine is pumped before every request and by a background task. A pump is
recorded only when something is due at its reading; otherwise it would do nothing, and
it is skipped altogether.

Resets: ``Backend.clear`` brings the state back to what a fresh backend holds, so the
log restarts with it. The log is therefore always "everything since the last reset".
"""

from __future__ import annotations

import base64
import json
import logging
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from mockserver.config import Settings
from mockserver.core.clock import Clock
from mockserver.core.ids import IdSource
from mockserver.errors import ValidationError
from mockserver.state.backend import Backend

log = logging.getLogger("mockserver.state")

Args = tuple[list[Any], dict[str, Any]]


class RecordingClock:
    """A clock that can be frozen at one reading for the length of a command."""

    def __init__(self, inner: Clock) -> None:
        self.inner = inner
        self.frozen: datetime | None = None

    def now(self) -> datetime:
        return self.frozen if self.frozen is not None else self.inner.now()

    def advance(self, seconds: float) -> datetime:
        moved = self.inner.advance(seconds)  # the inner clock keeps the offset a restart rebuilds
        if self.frozen is None:
            return moved
        self.frozen += timedelta(seconds=seconds)
        return self.frozen

    def reset(self) -> None:
        self.inner.reset()


class RecordingIds(IdSource):
    """Ids as usual, noted per command; during a replay, the recorded ids instead.

    A replay still draws from the underlying source, so a seeded sequence ends where the
    original run left it and goes on handing out the same ids afterwards.
    """

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(seed)
        self.drawn: list[str] | None = None
        self._script: deque[str] | None = None
        self.diverged = False

    def begin(self, script: Iterable[str] | None) -> None:
        self.drawn = []
        self._script = deque(script) if script is not None else None
        self.diverged = False

    def end(self) -> list[str]:
        drawn = self.drawn or []
        if self._script:  # the replay drew fewer ids than the original
            self.diverged = True
        self.drawn = None
        self._script = None
        return drawn

    def uuid(self) -> str:
        value = super().uuid()
        if self._script is not None:
            if self._script:
                value = self._script.popleft()
            else:
                self.diverged = True
        if self.drawn is not None:
            self.drawn.append(value)
        return value


# --- argument codecs ---------------------------------------------------------------------
def _same(args: list[Any], kwargs: dict[str, Any]) -> Args:
    return args, kwargs


def _decode_same(_backend: Backend, args: list[Any], kwargs: dict[str, Any]) -> Args:
    return args, kwargs


def _encode_bus_event(args: list[Any], kwargs: dict[str, Any]) -> Args:
    when = kwargs.get("date")
    return args, {**kwargs, "date": when.isoformat()} if isinstance(when, datetime) else kwargs


def _decode_bus_event(_backend: Backend, args: list[Any], kwargs: dict[str, Any]) -> Args:
    when = kwargs.get("date")
    return args, {**kwargs, "date": datetime.fromisoformat(when)} if isinstance(when, str) else kwargs


def _encode_instance(args: list[Any], kwargs: dict[str, Any]) -> Args:
    return [args[0].id, *args[1:]], kwargs


def _decode_instance(backend: Backend, args: list[Any], kwargs: dict[str, Any]) -> Args:
    return [backend.store.instances[args[0]], *args[1:]], kwargs


def _pump_not_due(backend: Backend, at: datetime) -> bool:
    due = backend.engine.next_wakeup()
    return due is None or due > at


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One recorded method: its dotted path from the backend and how its arguments travel."""

    op: str
    encode: Callable[[list[Any], dict[str, Any]], Args] = _same
    decode: Callable[[Backend, list[Any], dict[str, Any]], Args] = _decode_same
    skip: Callable[[Backend, datetime], bool] | None = None  # when True at the reading: nothing to do
    restarts_log: bool = False


COMMANDS = (
    CommandSpec("clear", restarts_log=True),
    CommandSpec("clock.advance"),
    CommandSpec("workflows.create"),
    CommandSpec("workflows.delete"),
    CommandSpec("instances.run"),
    CommandSpec("instances.send_event"),
    CommandSpec("instances.abort"),
    CommandSpec("triggers.create"),
    CommandSpec("triggers.delete"),
    CommandSpec("engine.pump", skip=_pump_not_due),
    CommandSpec("engine.send_event", encode=_encode_instance, decode=_decode_instance),
    CommandSpec("engine.publish_bus_event", encode=_encode_bus_event, decode=_decode_bus_event),
    CommandSpec("engine.bank.fund"),
    CommandSpec("engine.bank.load"),
    # The ledger service's writes (its reads change nothing).
    CommandSpec("ledger.create_ledger"),
    CommandSpec("ledger.update_ledger_metadata"),
    CommandSpec("ledger.delete_ledger_metadata"),
    CommandSpec("ledger.create_transaction"),
    CommandSpec("ledger.revert_transaction"),
    CommandSpec("ledger.add_transaction_metadata"),
    CommandSpec("ledger.delete_transaction_metadata"),
    CommandSpec("ledger.add_account_metadata"),
    CommandSpec("ledger.delete_account_metadata"),
    CommandSpec("ledger.load"),
    CommandSpec("ledger.create_bulk"),
    CommandSpec("ledger.insert_schema"),
    CommandSpec("ledger.import_logs"),
    CommandSpec("ledger.create_exporter"),
    CommandSpec("ledger.update_exporter"),
    CommandSpec("ledger.delete_exporter"),
    CommandSpec("ledger.create_pipeline"),
    CommandSpec("ledger.start_pipeline"),
    CommandSpec("ledger.stop_pipeline"),
    CommandSpec("ledger.reset_pipeline"),
    CommandSpec("ledger.delete_pipeline"),
    CommandSpec("ledger.delete_bucket"),
    CommandSpec("ledger.restore_bucket"),
    # The wallets service's writes (each a ledger write made inside the command).
    CommandSpec("wallets.create_wallet"),
    CommandSpec("wallets.update_wallet"),
    CommandSpec("wallets.create_balance"),
    CommandSpec("wallets.credit_wallet"),
    CommandSpec("wallets.debit_wallet"),
    CommandSpec("wallets.confirm_hold"),
    CommandSpec("wallets.void_hold"),
    CommandSpec("engine.triggers.register_link_document"),
    CommandSpec("restore.workflow"),
    CommandSpec("restore.trigger"),
    CommandSpec("restore.occurrences"),
    CommandSpec("restore.instance"),
    # The webhooks configs (deliveries are not state: they are not replayed, see webhooks/service.py).
    CommandSpec("webhooks.configs.create"),
    CommandSpec("webhooks.configs.update"),
    CommandSpec("webhooks.configs.delete"),
    CommandSpec("webhooks.configs.set_active"),
    CommandSpec("webhooks.configs.rotate"),
    CommandSpec("webhooks.configs.load"),
)


def _plain(value: Any) -> Any:
    """What JSON cannot hold but YAML fixtures can: dates, binary, sets."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, set | frozenset):
        return list(value)
    raise TypeError(f"{type(value).__name__} cannot be kept in the state file")


def _through_json(args: list[Any], kwargs: dict[str, Any]) -> Args:
    """The arguments as the log will give them back: the live call gets exactly these."""
    try:
        text = json.dumps([args, kwargs], default=_plain)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"this request cannot be recorded in --state-file: {exc}") from exc
    again = json.loads(text)
    return again[0], again[1]


class Recorder:
    """Installs itself on a backend's methods, keeps the command log, replays one."""

    def __init__(self, backend: Backend, clock: RecordingClock, ids: RecordingIds) -> None:
        self.backend = backend
        self.clock = clock
        self.ids = ids
        self.lines: list[str] = []  # the log: one JSON document per command
        self.version = 0  # moves on every change, so a saver knows when there is news
        self.divergences: list[str] = []
        self._depth = 0
        self._originals: dict[str, Callable[..., Any]] = {}
        self._specs = {spec.op: spec for spec in COMMANDS}
        for spec in COMMANDS:
            owner, name = self._owner(spec.op)
            original = getattr(owner, name)
            self._originals[spec.op] = original
            setattr(owner, name, self._wrap(spec, original))

    def _owner(self, op: str) -> tuple[Any, str]:
        *path, name = op.split(".")
        owner: Any = self.backend
        for part in path:
            owner = getattr(owner, part)
        return owner, name

    def _wrap(self, spec: CommandSpec, original: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            if self._depth:
                return original(*args, **kwargs)
            at = self.clock.inner.now()
            if spec.skip is not None and spec.skip(self.backend, at):
                return None
            jargs, jkwargs = _through_json(*spec.encode(list(args), dict(kwargs)))
            return self._execute(spec, jargs, jkwargs, at, None)

        return recorded

    def _execute(
        self, spec: CommandSpec, jargs: list[Any], jkwargs: dict[str, Any], at: datetime, ids: list[str] | None
    ) -> Any:
        """Run one command at reading ``at`` (ids from ``ids`` when replaying), then log it."""
        entry: dict[str, Any] = {"op": spec.op, "at": at.isoformat(), "args": jargs, "kwargs": jkwargs}
        self._depth += 1
        self.clock.frozen = at
        self.ids.begin(ids)
        ok = False
        try:
            args, kwargs = spec.decode(self.backend, jargs, jkwargs)
            result = self._originals[spec.op](*args, **kwargs)
            ok = True
            return result
        finally:
            entry["ids"] = self.ids.end()
            self.clock.frozen = None
            self._depth -= 1
            if not ok:
                entry["ok"] = False
            self._append(spec, entry, ok)

    def _append(self, spec: CommandSpec, entry: dict[str, Any], ok: bool) -> None:
        # ASCII only: a lone surrogate in a client's string still makes a valid, UTF-8 encodable line.
        line = json.dumps(entry, separators=(",", ":"))
        if spec.restarts_log and ok:
            self.lines = [line]
        else:
            self.lines.append(line)
        self.version += 1

    def replay(self, lines: Iterable[str]) -> None:
        """Re-run a log on this (fresh) backend; it is recorded again as it runs."""
        for number, line in enumerate(lines, 1):
            try:
                entry = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"state file line {number + 1}: {exc}") from exc
            spec = self._specs.get(entry.get("op")) if isinstance(entry, dict) else None
            if spec is None:
                raise ValueError(f"state file line {number + 1}: not a known command")
            expected_ok = entry.get("ok", True)
            try:
                self._execute(spec, entry["args"], entry["kwargs"], datetime.fromisoformat(entry["at"]), entry["ids"])
                ok = True
            except Exception:  # a command that failed originally fails again; anything else is reported
                ok = False
            if ok != expected_ok or self.ids.diverged:
                self.divergences.append(f"line {number + 1}: {spec.op} did not replay as recorded")
        if self.divergences:
            log.warning("state restored with %d divergence(s), first: %s", len(self.divergences), self.divergences[0])


def recording_backend(settings: Settings, clock: Clock) -> tuple[Backend, Recorder]:
    """A backend whose state-changing methods are recorded (``--state-file``)."""
    recording_clock = RecordingClock(clock)
    ids = RecordingIds(settings.seed)
    backend = Backend(settings, clock=recording_clock, ids=ids)
    return backend, Recorder(backend, recording_clock, ids)
