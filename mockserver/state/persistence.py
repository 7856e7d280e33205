"""``--state-file``: the mock's state survives a restart.

The state is kept as its command log (``mockserver.state.recording`` says why and how): a
header line, then one JSON document per command since the last reset. At start the log
is replayed on a fresh backend; afterwards it is saved every ``--state-interval`` seconds
when it changed, and once more at shutdown (SIGTERM, SIGINT), after the last request.
A restored mock does not load its start-up fixtures again: what they created is in the
log already (``POST /_mock/reset`` reloads them as usual). The file holds what clients
sent, so it is created readable by its owner only.

Every save replaces the file whole and atomically: the text goes to a temporary file in
the same directory, is fsynced, then ``os.replace``-d over the old one (and the directory
is fsynced, so the rename itself is durable). A crash at any moment, even ``kill -9``
in the middle of a save, leaves either the previous file or the new one, never a mix: at
most the changes since the last save are lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from pathlib import Path
from typing import Any

from mockserver.config import Settings
from mockserver.core.atomicfile import write_atomically
from mockserver.core.clock import make_clock
from mockserver.state.backend import Backend
from mockserver.state.fixtures import load_fixture_files
from mockserver.state.recording import Recorder, recording_backend

log = logging.getLogger("mockserver.state")

FORMAT = "orchestration-mock-state"
VERSION = 1
# A different mode or clock would replay the same commands into a different state.
MUST_MATCH = ("quirks", "clock")


class StateFile:
    """One file, always written whole and atomically; read back with its integrity checked."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()  # a save still running in a thread finishes before the next starts

    def read(self) -> tuple[dict[str, Any], list[str]] | None:
        """The header and the command lines, or None when there is no file yet."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        lines = text.split("\n")
        try:
            header = json.loads(lines[0])
        except ValueError as exc:
            raise ValueError(f"{self.path}: not a state file ({exc})") from exc
        if not isinstance(header, dict) or header.get("format") != FORMAT or header.get("version") != VERSION:
            raise ValueError(f"{self.path}: not a version {VERSION} {FORMAT} file")
        commands = [line for line in lines[1:] if line]
        if len(commands) != header.get("commands"):
            announced = header.get("commands")
            raise ValueError(f"{self.path}: {len(commands)} commands where the header announces {announced}")
        return header, commands

    def write(self, data: bytes) -> None:
        with self._lock:
            write_atomically(self.path, data)

    def remove_leftovers(self) -> None:
        """Temporary files of saves cut short by a crash; they were never the state."""
        for leftover in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()


class Persistence:
    """A recorded backend and its state file: restored at start, saved on a timer and at the end."""

    def __init__(self, settings: Settings, backend: Backend, recorder: Recorder, file: StateFile) -> None:
        self.settings = settings
        self.backend = backend
        self.recorder = recorder
        self.file = file
        self._saved_version = -1

    @classmethod
    def open(cls, settings: Settings) -> Persistence:
        """Replay the state file if there is one, else boot as usual (start-up fixtures)."""
        assert settings.state_file is not None
        backend, recorder = recording_backend(settings, make_clock(settings.clock))
        persistence = cls(settings, backend, recorder, StateFile(settings.state_file))
        persistence.file.remove_leftovers()
        found = persistence.file.read()
        if found is None:
            load_fixture_files(backend, settings.fixtures)
            log.info("state file %s not found: starting fresh", settings.state_file)
        else:
            header, commands = found
            persistence._check(header)
            recorder.replay(commands)
            backend.webhooks.forget_pending()  # the replayed events were delivered before the restart
            log.info("state restored from %s (%d commands)", settings.state_file, len(commands))
        persistence.save()  # a file exists from the start, and proves the directory is writable
        return persistence

    def _check(self, header: dict[str, Any]) -> None:
        for key in MUST_MATCH:
            if header.get(key) != getattr(self.settings, key):
                raise ValueError(
                    f"{self.settings.state_file} was written with --{key} {header.get(key)}; "
                    f"start with the same option, or remove the file"
                )

    def _snapshot(self, *, force: bool = False) -> bytes | None:
        """The file's bytes when the log changed since the last save (taken on the event loop)."""
        recorder = self.recorder
        if recorder.version == self._saved_version and not force:
            return None
        header = {
            "format": FORMAT,
            "version": VERSION,
            "quirks": self.settings.quirks,
            "clock": self.settings.clock,
            "seed": self.settings.seed,
            "commands": len(recorder.lines),
        }
        self._saved_version = recorder.version
        return "\n".join([json.dumps(header), *recorder.lines, ""]).encode("utf-8")

    def save(self, *, force: bool = False) -> None:
        """Save now if anything changed, or anyway when forced (blocking: at start and at shutdown)."""
        data = self._snapshot(force=force)
        if data is not None:
            self.file.write(data)

    async def save_changes(self) -> None:
        """Save what changed since the last save; the file work runs off the event loop."""
        try:
            data = self._snapshot()
            if data is not None:
                await asyncio.to_thread(self.file.write, data)
        except Exception:  # a full disk must not end the saving for good: try again next time
            self._saved_version = -1
            log.exception("could not save the state to %s", self.file.path)
