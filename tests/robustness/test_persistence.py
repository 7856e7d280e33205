"""``--state-file`` across real restarts: SIGTERM loses nothing, SIGKILL at most the last interval."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mockserver import cli
from tests.robustness import restarts, servers

HEADER = '{"format": "orchestration-mock-state", "version": 1, "quirks": "spec", "clock": "real", "commands": 0}\n'


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return servers.write_signing_key(tmp_path_factory.mktemp("state") / "key.pem")


@pytest.mark.parametrize("clock", ["manual", "real"])
def test_sigterm_then_restart_serves_every_resource_identical(tmp_path: Path, key_file: Path, clock: str) -> None:
    result = restarts.sigterm_run(tmp_path / "state.jsonl", key_file, clock=clock)
    assert result.resources > 40
    assert result.lost == []


def test_sigkill_mid_traffic_loses_at_most_the_last_interval(tmp_path: Path) -> None:
    result = restarts.sigkill_run(tmp_path / "state.jsonl", seconds=1.5)
    assert result.acknowledged > 0
    assert result.bad_reads == [], "a reader saw a half-written state file"
    assert result.file_reads > 0
    assert result.lost_beyond_interval == []
    assert result.holes == [], "the restored state is not a prefix of what was acknowledged"
    assert result.leftovers == []
    assert result.kept > 0  # saved by the interval alone: kill -9 leaves no chance to save at shutdown


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("half a line", (), "not a state file"),
        (HEADER.replace('"quirks": "spec"', '"quirks": "real"'), (), "--quirks real"),
        (HEADER.replace('"clock": "real"', '"clock": "manual"'), (), "--clock manual"),
    ],
)
def test_an_unusable_state_file_stops_the_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, args: tuple[str, ...], message: str
) -> None:
    path = tmp_path / "state.jsonl"
    path.write_text(content)
    assert cli.main(["--port", "1", "--state-file", str(path), *args]) == 2
    assert message in capsys.readouterr().err
    assert path.read_text() == content  # refused, and left as it was


def test_a_state_file_in_a_missing_directory_stops_the_start(tmp_path: Path) -> None:
    assert cli.main(["--port", "1", "--state-file", str(tmp_path / "nowhere" / "state.jsonl")]) == 2


def test_hostile_input_survives_a_restart(tmp_path: Path) -> None:
    result = restarts.fuzzed_restart(tmp_path / "state.jsonl", per_operation=4)
    assert result.lost == []


def test_without_signing_key_the_state_keeps_its_key_and_tokens_survive_a_restart(tmp_path: Path) -> None:
    args = ("--state-file", str(tmp_path / "state.jsonl"), "--clock", "manual")
    server = servers.start(*args)
    try:
        token = servers.token(server.url)
        bearer = {"Authorization": f"Bearer {token}"}
        created = httpx.post(server.url + "/workflows", json={"stages": [{"noop": {}}]}, headers=bearer)
        assert created.status_code == 201
    finally:
        assert servers.stop(server) == 0
    key = tmp_path / "state.jsonl.key"
    assert key.stat().st_mode & 0o777 == 0o600
    again = servers.start(*args, port=int(server.url.rsplit(":", 1)[1]))
    try:
        read = httpx.get(
            server.url + "/workflows/" + created.json()["data"]["id"], headers={"Authorization": f"Bearer {token}"}
        )
        assert read.status_code == 200
    finally:
        servers.stop(again)
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
