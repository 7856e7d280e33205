"""Safe defaults: loopback only unless told otherwise, and no CORS unless an origin is allowed."""

from __future__ import annotations

from pathlib import Path

import httpx

from mockserver.cli import build_parser
from mockserver.config import Settings
from tests.robustness import servers

PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}


def _listening(port: int) -> set[str]:
    """Local addresses in LISTEN state on ``port``, from /proc (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_the_default_host_is_loopback() -> None:
    assert build_parser().parse_args([]).host == "127.0.0.1"
    assert Settings().host == "127.0.0.1"


def test_by_default_the_mock_listens_on_loopback_only_and_sends_no_cors_headers() -> None:
    origin = {"Origin": "http://localhost:3000"}
    with servers.serving(host=None) as server:
        port = int(server.url.rsplit(":", 1)[1])
        listening = _listening(port)
        preflight = httpx.options(server.api + "/workflows", headers={**origin, **PREFLIGHT})
        simple = httpx.get(server.url + "/_info", headers=origin)
    assert listening == {"0100007F"}  # 127.0.0.1, and no wildcard address
    assert not any(h.startswith("access-control-") for h in preflight.headers)
    assert not any(h.startswith("access-control-") for h in simple.headers)


def test_cors_allows_exactly_the_listed_origins() -> None:
    allowed, other = "http://localhost:3000", "http://localhost:3001"
    with servers.serving("--cors-origin", allowed, "--cors-origin", "https://app.example") as server:
        good = httpx.options(server.api + "/workflows", headers={"Origin": allowed, **PREFLIGHT})
        bad = httpx.options(server.api + "/workflows", headers={"Origin": other, **PREFLIGHT})
        simple_bad = httpx.get(server.url + "/_info", headers={"Origin": other})
        simple_good = httpx.get(server.url + "/_info", headers={"Origin": "https://app.example"})
    assert good.status_code == 200 and good.headers["access-control-allow-origin"] == allowed
    assert "access-control-allow-origin" not in bad.headers
    assert "access-control-allow-origin" not in simple_bad.headers
    assert simple_good.headers["access-control-allow-origin"] == "https://app.example"
    assert good.headers.get("access-control-allow-origin") != "*"
