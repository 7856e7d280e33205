"""``orchestration-mock record``: a recording served by a second mock answers as the live one.

The live service is the demo mock, moved on until every instance has terminated (an event,
a clock advance, a funded account, an abort, a failed stage, a trigger run); the recording is
loaded with ``--fixtures`` into a fresh mock, and every GET of every recorded resource must
answer byte-identical bodies on both. Then the ways a recording fails: each exits 2, says why
on one line and writes nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from mockserver.cli import main
from mockserver.recorder import NonConforming, RecordConfig
from mockserver.recorder import record as record_library
from mockserver.recorder.config import default_token_url
from mockserver.recorder.state import instance_entry
from tests.support import ROOT, RunningMock, free_port, running_mock, token_for

DEMO = ROOT / "fixtures" / "demo.yaml"
SETTLE_AFTER_REVIEW = "2d7a8f3e-9b5c-4e4d-9c0a-3f4e5d6c7b82"
COOL_DOWN = "3e8b9a4f-0c6d-4f5e-8d1b-4a5f6e7d8c93"
LEDGER_TO_LEDGER = "0b5e6d1c-7f3a-4c2b-9a8e-1d2c3b4a5f60"


def record(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mockserver", "record", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def record_here(capsys: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess[str]:
    """``record`` in this process: the same exit code and streams, without a start-up each time."""
    try:
        code = main(["record", *args])
    except SystemExit as exc:  # argparse refusing an option
        code = exc.code if isinstance(exc.code, int) else 2
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


def _client(server: RunningMock, *, auth: bool = True) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token_for(server.url)}"} if auth else {}
    return httpx.Client(base_url=server.api, headers=headers, timeout=10)


def _terminate_everything(server: RunningMock) -> None:
    """Every demo instance ends, and a few more runs end in other ways."""
    control = httpx.Client(base_url=server.url + "/_mock", timeout=10)
    with _client(server) as api:
        waiting = api.get("/instances", params={"workflowID": SETTLE_AFTER_REVIEW}).json()["data"][0]
        api.post(f"/instances/{waiting['id']}/events", json={"name": "reviewed"}).raise_for_status()
        control.post("/ledgers/default/accounts/users:bob/fund", json={"asset": "EUR/2", "amount": 10000})
        aborted = api.post(f"/workflows/{COOL_DOWN}/instances", json={}).json()["data"]
        api.put(f"/instances/{aborted['id']}/abort").raise_for_status()
        bad = {"accountID1": "users:alice", "accountID2": "users:bob", "ledger": "default", "amount": "-5"}
        api.post(f"/workflows/{LEDGER_TO_LEDGER}/instances", json=bad).raise_for_status()
        payin = {"id": "pay_3f9c2e1a", "status": "SUCCEEDED", "type": "PAY-IN", "amount": 7500}
        control.post("/events", json={"type": "SAVED_PAYMENT", "payload": payin}).raise_for_status()
        control.post("/clock/advance", json={"seconds": 3600}).raise_for_status()
        api.post("/workflows", json={"name": "late", "stages": [{"noop": {}}]}).raise_for_status()
        # flows v2.6.0: a payout through a bridge with overdraft, and a trigger on one event version.
        source = {"id": "platform:fees", "ledger": "default", "throughAccount": "liabilities:payouts"}
        payout = {"psp": "wise", "type": "PAYOUT", "sourceAccount": "wise-main"}
        send = {"source": {"account": {**source, "allowOverdraft": True}}, "destination": {"payment": payout}}
        stage = {"send": {**send, "amount": {"amount": 900, "asset": "EUR/2"}}}
        flow = api.post("/workflows", json={"name": "payout", "stages": [stage]}).json()["data"]
        api.post(f"/workflows/{flow['id']}/instances", json={}).raise_for_status()
        trigger = {"event": "SAVED_PAYMENT", "workflowID": flow["id"], "version": "v2", "name": "ledger-version"}
        api.post("/triggers", json=trigger).raise_for_status()
        assert api.get("/instances", params={"running": True}).json()["data"] == []
    control.close()


@contextmanager
def _demo(quirks: str) -> Iterator[RunningMock]:
    with running_mock("--clock", "manual", "--seed", "7", "--quirks", quirks, "--fixtures", str(DEMO)) as server:
        _terminate_everything(server)
        yield server


@pytest.fixture(scope="module")
def live() -> Iterator[RunningMock]:
    with _demo("spec") as server:
        yield server


@pytest.fixture(scope="module")
def live_real() -> Iterator[RunningMock]:
    """``--quirks real`` shapes histories the real service's way (outside the spec in places),
    and a recording must keep them."""
    with _demo("real") as server:
        yield server


def _gets(api: str, doc: dict[str, Any]) -> list[str]:
    """Every GET of every recorded resource; v2 lists in one page (cursors name the store's
    own sequence numbers, so only a walk's items, not its cursors, can match)."""
    prefix, whole = ("/v2", "?pageSize=1000") if api == "v2" else ("", "")
    paths = [f"/workflows{whole}", f"/triggers{whole}", f"/instances{whole}"]
    for workflow in doc["workflows"]:
        paths += [f"/workflows/{workflow['id']}", f"/instances{whole or '?'}&workflowID={workflow['id']}"]
    for trigger in doc["triggers"]:
        paths += [f"/triggers/{trigger['id']}", f"/triggers/{trigger['id']}/occurrences{whole}"]
    for instance in doc["instances"]:
        paths += [f"/instances/{instance['id']}", f"/instances/{instance['id']}/history"]
        paths += [f"/instances/{instance['id']}/stages/{n}/history" for n in range(len(instance["history"]))]
    return [prefix + path.replace("?&", "?") for path in paths]


@pytest.mark.parametrize("quirks", ["spec", "real"])
@pytest.mark.parametrize("api", ["v1", "v2"])
def test_a_recording_answers_every_get_byte_for_byte(
    request: pytest.FixtureRequest, quirks: str, api: str, tmp_path: Path
) -> None:
    live: RunningMock = request.getfixturevalue("live" if quirks == "spec" else "live_real")
    out = tmp_path / "recorded.json"
    credentials = ["--client-id", "tests", "--client-secret", "secret"]
    # Pages of 2: the seven workflows and eight instances take several cursor pages in v2.
    done = record("--from", live.api, *credentials, "--api", api, "--instances", "--page-size", "2", "-o", str(out))
    assert done.returncode == 0, done.stderr
    doc = json.loads(out.read_text())
    assert len(doc["workflows"]) == 7 and len(doc["triggers"]) == 2 and len(doc["instances"]) == 8
    assert doc["triggers"][1]["version"] == "v2" and "occurrences" not in doc["triggers"][1]  # never a v2 payment
    last = [stage[-1] for i in doc["instances"] for stage in i["stageHistories"] if stage]
    (initiated,) = [a["input"]["CreateTransferInitiation"] for a in last if a["name"] == "CreateTransferInitiation"]
    assert initiated["source"] == "wise-main" and initiated["type"] == "PAYOUT"
    errors = {i.get("error") for i in doc["instances"]}
    assert None in errors and len(errors) >= (3 if quirks == "spec" else 2)  # succeeded, failed, (spec) aborted
    assert any(stage for i in doc["instances"] for stage in i["stageHistories"])
    occurrences = doc["triggers"][0]["occurrences"]
    assert occurrences and all(o["workflowInstanceID"] in {i["id"] for i in doc["instances"]} for o in occurrences)

    replaying = running_mock("--fixtures", str(out), "--quirks", quirks)
    with replaying as replay, _client(live) as before, _client(replay) as after:
        paths = _gets(api, doc)
        assert sum("/stages/" in path for path in paths) >= len(doc["instances"])  # each ran a stage at least
        answers = [(path, before.get(path), after.get(path)) for path in paths]
    assert [p for p, a, _ in answers if a.status_code != 200] == []
    assert [p for p, a, b in answers if a.content != b.content] == []


def test_recorded_ledgers_load_back_as_they_were(live: RunningMock, tmp_path: Path) -> None:
    """With --ledgers every ledger's log is recorded; loaded, the ledger API answers the same bytes for
    the ledgers, their transactions (volumes included), accounts and logs (hashes included)."""
    out = tmp_path / "recorded.json"
    done = record("--from", live.api, "--token", token_for(live.url), "--ledgers", "-o", str(out))
    assert done.returncode == 0, done.stderr
    doc = json.loads(out.read_text())
    # wallets-002: the wallets service keeps the demo's wallet there, so it comes back with its ledger
    assert set(doc["ledgers"]) == {"default", "orchestration-000-internal", "wallets-002"}
    assert len(doc["ledgers"]["default"]["logs"]) >= 3  # the opening balances, the demo's two, the runs'
    paths = ["/v2", "/v2/default", "/v2/default/stats", "/v2/default/accounts?expand=volumes&pageSize=100"]
    paths += ["/v2/default/transactions?expand=volumes&expand=effectiveVolumes&pageSize=100"]
    paths += ["/v2/default/logs?pageSize=100", "/v2/orchestration-000-internal/transactions"]
    paths += ["/v2/wallets-002/accounts?expand=volumes&pageSize=100", "/v2/wallets-002/logs?pageSize=100"]
    with running_mock("--fixtures", str(out)) as replay:
        answers, wallets = [], []
        for server in (live, replay):
            headers = {"Authorization": f"Bearer {token_for(server.url)}"}
            with httpx.Client(base_url=server.url + "/api/ledger", headers=headers, timeout=10) as ledger:
                answers.append([ledger.get(path) for path in paths])
            wallets.append(httpx.get(server.url + "/api/wallets/wallets?expand=balances", headers=headers).json())
    assert wallets[0] == wallets[1] and wallets[0]["cursor"]["data"]  # the wallet, read back from its ledger
    assert [r.status_code for r in answers[0]] == [200] * len(paths)
    assert [p for p, a, b in zip(paths, *answers, strict=True) if a.content != b.content] == []


def test_without_instances_only_workflows_and_triggers_are_recorded(live: RunningMock) -> None:
    done = record("--from", live.api, "--token", token_for(live.url))
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert "instances" not in doc and len(doc["workflows"]) == 7


def test_a_trigger_of_a_deleted_workflow_is_left_out_and_said_so(
    mock_server: RunningMock, api: Any, tmp_path: Path
) -> None:
    kept = api.post("/workflows", json={"stages": [{"noop": {}}]}).json()["data"]["id"]
    gone = api.post("/workflows", json={"stages": [{"noop": {}}]}).json()["data"]["id"]
    api.post("/triggers", json={"event": "E", "workflowID": kept})
    orphan = api.post("/triggers", json={"event": "E", "workflowID": gone}).json()["data"]["id"]
    api.delete(f"/workflows/{gone}")
    out = tmp_path / "recorded.json"
    done = record("--from", mock_server.api, "--token", token_for(mock_server.url), "-o", str(out))
    assert done.returncode == 0 and f"left out trigger {orphan}: its workflow {gone} is not listed" in done.stderr
    doc = json.loads(out.read_text())
    assert [t["workflow"] for t in doc["triggers"]] == [kept] and doc["recorded"]["leftOut"]
    with running_mock("--fixtures", str(out)):
        pass  # it loads


def test_help_documents_every_option() -> None:
    done = record("--help")
    assert done.returncode == 0
    for option in ("--from", "--token", "--client-id", "--client-secret", "--token-url", "--api", "--instances", "-o"):
        assert option in done.stdout


@pytest.mark.parametrize(
    ("root", "token_url"),
    [
        ("https://stack.example.com/api/orchestration", "https://stack.example.com/api/auth/oauth/token"),
        ("https://example.com/eu/api/orchestration/", "https://example.com/eu/api/auth/oauth/token"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/api/auth/oauth/token"),
    ],
)
def test_the_token_endpoint_defaults_to_the_stacks(root: str, token_url: str) -> None:
    assert default_token_url(root) == token_url
    assert RecordConfig(api_root=root, token="t", api="v2").base == root.rstrip("/") + "/v2"


@pytest.mark.parametrize(
    "flags",
    [
        ["--from", "http://x", "--token", "t", "--client-id", "a", "--client-secret", "b"],
        ["--from", "http://x"],
        ["--from", "http://x", "--client-id", "a"],
        ["--from", "ftp://x", "--token", "t"],
        ["--from", "http://x", "--token", "t", "--page-size", "0"],
        ["--from", "http://x", "--token", "t", "-o", "/no/such/dir/out.json"],
        ["--token", "t"],
    ],
)
def test_bad_options_exit_2_before_any_request(capsys: pytest.CaptureFixture[str], flags: list[str]) -> None:
    done = record_here(capsys, *flags)
    assert done.returncode == 2 and "orchestration-mock record: error:" in done.stderr


# --- failures: exit 2, one line on stderr, nothing written ------------------------------------
def _assert_refused(done: subprocess.CompletedProcess[str], out: Path, *words: str) -> None:
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("orchestration-mock record: "), done.stderr
    assert all(word in lines[0] for word in words), lines[0]
    assert not out.exists()
    assert [p.name for p in out.parent.iterdir() if p.name != "kept.json"] == []  # no temporary left


def test_wrong_client_credentials_exit_2_and_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "recorded.json"
    with running_mock("--client", "tests:secret") as server:
        done = record("--from", server.api, "--client-id", "tests", "--client-secret", "wrong", "-o", str(out))
    _assert_refused(done, out, "refused", "401")


def test_a_refused_token_exits_2_and_keeps_an_older_recording(live: RunningMock, tmp_path: Path) -> None:
    kept = tmp_path / "kept.json"
    kept.write_text("older recording")
    done = record("--from", live.api, "--token", "not-a-token", "-o", str(kept))
    assert done.returncode == 2 and "refused the credentials (401)" in done.stderr
    assert kept.read_text() == "older recording"


def test_an_unreachable_upstream_exits_2_and_writes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "recorded.json"
    nowhere = f"http://127.0.0.1:{free_port()}/api/orchestration"
    done = record_here(capsys, "--from", nowhere, "--token", "t", "-o", str(out))
    _assert_refused(done, out, "cannot reach")


class _Junk(BaseHTTPRequestHandler):
    """An upstream that issues tokens, then answers ``answers[path]`` (status, body)."""

    answers: dict[str, tuple[int, bytes]] = {}

    def do_POST(self) -> None:
        self._send(200, b'{"access_token": "t", "token_type": "Bearer"}')

    def do_GET(self) -> None:
        self._send(*self.answers.get(self.path.split("?")[0], (200, b'{"data": []}')))

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def junk() -> Iterator[tuple[str, dict[str, tuple[int, bytes]]]]:
    answers: dict[str, tuple[int, bytes]] = {}
    handler = type("Handler", (_Junk,), {"answers": answers})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/orchestration", answers
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("api", "path", "answer", "words"),
    [
        ("v1", "/workflows", (200, b"<html>oops</html>"), ["/workflows", "not JSON"]),
        ("v1", "/workflows", (200, b'{"data": [{"id": 7}]}'), ["not the spec's", "data/0"]),
        ("v1", "/triggers", (200, b'{"items": []}'), ["/triggers", "'data' is a required property"]),
        ("v1", "/workflows", (500, b"{}"), ["answered 500"]),
        ("v1", "/workflows", (403, b"{}"), ["refused the credentials (403)"]),
        ("v2", "/v2/workflows", (200, b'{"cursor": {"pageSize": 2, "hasMore": true, "data": []}}'), ["next"]),
    ],
)
def test_a_junk_or_refusing_upstream_exits_2_and_writes_nothing(
    junk: tuple[str, dict[str, tuple[int, bytes]]],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    api: str,
    path: str,
    answer: tuple[int, bytes],
    words: list[str],
) -> None:
    root, answers = junk
    answers[f"/api/orchestration{path}"] = answer
    out = tmp_path / "recorded.json"
    done = record_here(capsys, "--from", root, "--client-id", "a", "--client-secret", "b", "--api", api, "-o", str(out))
    _assert_refused(done, out, *words)


# --- the fixture format's recorded entries -------------------------------------------------
RECORDED_INSTANCE = {
    "id": "i-1",
    "workflow": "w",
    "createdAt": "2024-05-02T10:00:00.123456789Z",
    "terminated": True,
    "terminatedAt": "2024-05-02T10:00:01+02:00",
    "history": [{"name": "NoOp", "input": {}, "terminated": True, "startedAt": "2024-05-02T10:00:00Z"}],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"terminated": False}, "instances/1/terminated"),
        ({"createdAt": "yesterday"}, "instances/1/createdAt: 'yesterday' is not a 'date-time'"),
        ({"stageHistories": [[], []]}, "more stages than history entries"),
        ({"workflow": "nowhere"}, "unknown workflow 'nowhere'"),
        ({"variables": {}}, "'variables' was unexpected"),
        ({"id": "taken"}, "instances/1/id: instance 'taken' exists already"),
    ],
)
def test_bad_recorded_entries_are_refused_with_where_and_why(
    api: Any, control: httpx.Client, change: dict[str, Any], message: str
) -> None:
    doc = {
        "workflows": [{"id": "w", "stages": [{"noop": {}}], "createdAt": "2024-05-02T09:00:00Z"}],
        "instances": [{**RECORDED_INSTANCE, "id": "taken"}, {**RECORDED_INSTANCE, **change}],
    }
    reply = control.post("/fixtures", json=doc)
    assert reply.status_code == 400 and message in reply.json()["errorMessage"]
    assert api.get("/workflows").json()["data"] == []


def test_an_updated_at_needs_its_created_at(api: Any, control: httpx.Client) -> None:
    doc = {"workflows": [{"stages": [], "updatedAt": "2024-05-02T09:00:00Z"}]}
    reply = control.post("/fixtures", json=doc)
    assert reply.status_code == 400 and "'createdAt' is a dependency of 'updatedAt'" in reply.json()["errorMessage"]


def test_recorded_instants_are_kept_in_utc_to_the_microsecond(api: Any, control: httpx.Client) -> None:
    doc = {
        "workflows": [{"id": "w", "stages": [{"noop": {}}], "createdAt": "2024-05-02T09:00:00Z"}],
        "triggers": [{"id": "t", "event": "E", "workflow": "w", "createdAt": "2024-05-02T09:30:00.5Z"}],
        "instances": [RECORDED_INSTANCE],
    }
    control.post("/fixtures", json=doc).raise_for_status()
    shown = api.get("/instances/i-1").json()["data"]
    assert shown["createdAt"] == "2024-05-02T10:00:00.123457Z" and shown["terminatedAt"] == "2024-05-02T08:00:01Z"
    assert api.get("/workflows/w").json()["data"]["updatedAt"] == "2024-05-02T09:00:00Z"
    assert api.get("/triggers/t").json()["data"]["createdAt"] == "2024-05-02T09:30:00.5Z"
    assert api.get("/instances/i-1/stages/0/history").json()["data"] == []
    # Terminated as recorded: the engine never runs it, so events are refused and abort is a no-op.
    assert api.post("/instances/i-1/events", json={"name": "x"}, check=False).status_code == 400
    assert api.put("/instances/i-1/abort").status_code == 204
    assert api.get("/instances/i-1").json()["data"] == shown


def test_a_recording_survives_a_state_file_restart(live: RunningMock, tmp_path: Path) -> None:
    out, state = tmp_path / "recorded.json", tmp_path / "state.json"
    assert record("--from", live.api, "--token", token_for(live.url), "--instances", "-o", str(out)).returncode == 0
    doc = json.loads(out.read_text())
    views = []
    for _ in range(2):  # the first start loads the fixture, the second replays its journal
        with running_mock("--fixtures", str(out), "--state-file", str(state)) as server, _client(server) as api:
            views.append([api.get(path).content for path in _gets("v1", doc)])
    assert views[0] == views[1]


# --- the library, on an injected transport ---------------------------------------------------
def test_a_v2_walk_that_hands_out_the_same_cursor_again_is_refused() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        page = {"pageSize": 1, "hasMore": True, "next": "again", "data": []}
        return httpx.Response(200, json={"cursor": page})

    config = RecordConfig(api_root="http://upstream/api/orchestration", token="t", api="v2", page_size=1)
    with pytest.raises(NonConforming, match="the next cursor repeats"):
        record_library(config, transport=httpx.MockTransport(answer))


def test_v2_pages_are_followed_with_their_cursor_only() -> None:
    asked: list[dict[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(dict(request.url.params))
        if request.url.path.endswith("/workflows") and "cursor" not in request.url.params:
            page = {"pageSize": 1, "hasMore": True, "next": "n1", "data": [_WORKFLOW | {"id": "a"}]}
        elif request.url.path.endswith("/workflows"):
            page = {"pageSize": 1, "hasMore": False, "previous": "p1", "data": [_WORKFLOW | {"id": "b"}]}
        else:
            page = {"pageSize": 1, "hasMore": False, "data": []}
        return httpx.Response(200, json={"cursor": page})

    config = RecordConfig(api_root="http://upstream/api/orchestration", token="t", api="v2", page_size=1)
    doc = record_library(config, transport=httpx.MockTransport(answer))
    assert [w["id"] for w in doc["workflows"]] == ["a", "b"]
    assert asked[:2] == [{"pageSize": "1"}, {"cursor": "n1"}]


_WORKFLOW = {
    "config": {"name": "", "stages": []},
    "createdAt": "2024-05-02T10:00:00Z",
    "updatedAt": "2024-05-02T10:00:00Z",
    "deletedAt": None,
}


def test_an_instance_embedding_another_workflow_than_its_own_is_refused() -> None:
    view = {"id": "i1", "workflowID": "w1", "createdAt": "2024-05-02T10:00:00Z", "terminated": True}
    assert instance_entry({**view, "workflow": {"id": "w1"}}, [], [])["workflow"] == "w1"
    with pytest.raises(NonConforming, match="it embeds workflow 'w2', not its workflowID 'w1'"):
        instance_entry({**view, "workflow": {"id": "w2"}}, [], [])
