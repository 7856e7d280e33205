"""``orchestration-mock``: flags -> Settings -> serve. Exit 2 when it cannot start."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn

from mockserver.config import DEFAULT_PORT, GATEWAY_PREFIX, Settings, parse_latency
from mockserver.errors import MockError
from mockserver.http.coalesce import GatheringHttpToolsProtocol
from mockserver.ledger.system import check_name


def _client(text: str) -> tuple[str, str]:
    client_id, sep, secret = text.partition(":")
    if not sep or not client_id:
        raise argparse.ArgumentTypeError("expected CLIENT_ID:SECRET")
    return client_id, secret


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orchestration-mock",
        description="A stateful mock of the Formance orchestration v1 API, built from its OpenAPI spec.",
        epilog="orchestration-mock record --help: record a live service into a fixture file; "
        "orchestration-mock webhooks listen --help: receive and print the mock's webhook deliveries",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    parser.add_argument(
        "--fixtures",
        type=Path,
        action="append",
        default=[],
        metavar="PATH",
        help="fixture document(s) to load at start and on reset (repeatable)",
    )
    parser.add_argument(
        "--quirks",
        choices=("spec", "real"),
        default="spec",
        help="'spec' follows the spec; 'real' reproduces the real service's deviations",
    )
    parser.add_argument("--seed", type=int, default=None, help="make generated ids deterministic")
    parser.add_argument(
        "--clock",
        choices=("real", "manual"),
        default="real",
        help="'manual' moves time only through POST /_mock/clock/advance",
    )
    parser.add_argument("--auth", choices=("on", "off"), default="on", help="require bearer tokens (default: on)")
    parser.add_argument(
        "--client",
        type=_client,
        action="append",
        default=[],
        metavar="ID:SECRET",
        help="accepted client credentials (repeatable; default: any client is accepted)",
    )
    parser.add_argument("--token-lifetime", type=int, default=3600, help="token lifetime in seconds")
    parser.add_argument("--max-body-bytes", type=int, default=1024 * 1024, help="request body limit (413 above)")
    parser.add_argument("--quiet", action="store_true", help="no access log line per request")
    parser.add_argument("--control", choices=("on", "off"), default="on", help="serve the /_mock control API")
    parser.add_argument(
        "--control-token",
        default=None,
        metavar="TOKEN",
        help="require 'Authorization: Bearer TOKEN' on the control API",
    )
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="allow browser calls from ORIGIN (repeatable; CORS is off by default)",
    )
    # --- robustness: state that survives restarts, and stable signing keys ----------------
    parser.add_argument(
        "--state-file",
        type=Path,
        default=None,
        metavar="PATH",
        help="keep the state in PATH (and the token signing key in PATH.key): loaded at start, saved at an "
        "interval and on shutdown",
    )
    parser.add_argument(
        "--state-interval",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="seconds between saves of --state-file (default: 5)",
    )
    parser.add_argument(
        "--signing-key",
        type=Path,
        default=None,
        metavar="PATH",
        help="RS256 private key (PEM) to sign tokens with (default: the --state-file's kept key, else a fresh one)",
    )
    parser.add_argument(
        "--latency",
        type=_latency,
        default=None,
        metavar="MS|MIN..MAX",
        help="delay every API answer by MS, or by a seeded draw in MIN..MAX milliseconds",
    )
    parser.add_argument(
        "--tenancy",
        choices=("off", "client"),
        default="off",
        help="client: every OAuth client id gets its own isolated state (control calls: X-Mock-Tenant)",
    )
    parser.add_argument(
        "--tenant-ttl", type=float, default=3600.0, metavar="S", help="drop a tenant idle this long (default 3600)"
    )
    parser.add_argument(
        "--numscript-engine",
        choices=("machine", "interpreter"),
        default="machine",
        help="the ledger's Numscript engine: machine (the v2.4.6 default) or interpreter "
        "(numscript v0.0.24, as --experimental-numscript-interpreter); a request picks the interpreter "
        'with "runtime": "experimental-interpreter"',
    )
    parser.add_argument(
        "--schema-enforcement-mode",
        choices=("audit", "strict"),
        default="audit",
        help="the ledger's schema enforcement: audit (the v2.4.6 default: chart violations and a missing "
        "schemaVersion are not errors) or strict (they are 400)",
    )
    parser.add_argument(
        "--webhook-hosts",
        action="append",
        default=[],
        metavar="PATTERN",
        help="hosts webhooks may be delivered to besides loopback: host patterns (*.internal) or IP networks "
        "(10.0.0.0/8), comma-separated or repeated; '*' allows any (default: loopback only)",
    )
    parser.add_argument(
        "--webhook-timeout", type=float, default=30.0, metavar="S", help="seconds a delivery may take (default: 30)"
    )
    parser.add_argument(
        "--webhook-min-backoff", type=float, default=60.0, metavar="S", help="first retry delay (default: 60)"
    )
    parser.add_argument(
        "--webhook-max-backoff", type=float, default=3600.0, metavar="S", help="longest retry delay (default: 3600)"
    )
    parser.add_argument(
        "--webhook-abort-after",
        type=float,
        default=30 * 24 * 3600.0,
        metavar="S",
        help="a delivery fails once its retry delays would add up to more (default: 30 days)",
    )
    parser.add_argument(
        "--wallets-ledger",
        type=_wallets_ledger,
        default="wallets-002",
        metavar="NAME",
        help="the ledger the wallets service keeps its wallets in, created on its first write "
        "(the release's --ledger; default: wallets-002)",
    )
    return parser


def _wallets_ledger(text: str) -> str:
    try:
        check_name(text)
    except MockError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None
    return text


def _latency(text: str) -> tuple[int, int]:
    try:
        return parse_latency(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(
        host=args.host,
        port=args.port,
        fixtures=tuple(args.fixtures),
        quirks=args.quirks,
        seed=args.seed,
        clock=args.clock,
        auth=args.auth == "on",
        clients=dict(args.client),
        token_lifetime=args.token_lifetime,
        issuer=f"http://{args.host}:{args.port}/api/auth",
        max_body_bytes=args.max_body_bytes,
        access_log=not args.quiet,
        control=args.control == "on",
        control_token=args.control_token,
        cors_origins=tuple(args.cors_origin),
        state_file=args.state_file,
        state_interval=args.state_interval,
        signing_key=args.signing_key,
        latency_ms=args.latency,
        tenancy=args.tenancy,
        tenant_ttl=args.tenant_ttl,
        numscript_engine=args.numscript_engine,
        schema_enforcement=args.schema_enforcement_mode,
        wallets_ledger=args.wallets_ledger,
        webhook_hosts=tuple(p.strip() for text in args.webhook_hosts for p in text.split(",") if p.strip()),
        webhook_timeout=args.webhook_timeout,
        webhook_min_backoff=args.webhook_min_backoff,
        webhook_max_backoff=args.webhook_max_backoff,
        webhook_abort_after=args.webhook_abort_after,
    )


def build_record_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orchestration-mock record",
        description="Read a live orchestration service's workflows and triggers (and, with --instances, their "
        "occurrences and its terminated instances with their histories) into a fixture file that "
        "'orchestration-mock --fixtures FILE' serves with the same ids, bodies and timestamps. "
        "Exit 2, writing nothing, when it cannot.",
    )
    parser.add_argument(
        "--from",
        dest="api_root",
        required=True,
        metavar="API_ROOT",
        help="where the v1 API lives, e.g. https://STACK/api/orchestration (v2: API_ROOT/v2)",
    )
    parser.add_argument("--token", default=None, metavar="T", help="a bearer token to send as is")
    parser.add_argument("--client-id", default=None, metavar="ID", help="OAuth2 client id (with --client-secret)")
    parser.add_argument("--client-secret", default=None, metavar="S", help="OAuth2 client secret (with --client-id)")
    parser.add_argument(
        "--token-url",
        default=None,
        metavar="URL",
        help="token endpoint for --client-id (default: API_ROOT's stack, /api/auth/oauth/token)",
    )
    parser.add_argument("--api", choices=("v1", "v2"), default="v1", help="API version to read (default: v1)")
    parser.add_argument(
        "--instances",
        action="store_true",
        help="also record terminated instances with their stage histories, and trigger occurrences",
    )
    parser.add_argument(
        "--ledgers",
        action="store_true",
        help="also record every ledger of the stack (its whole log, exported and re-imported on load)",
    )
    parser.add_argument(
        "--ledger-url",
        default=None,
        metavar="URL",
        help="the ledger API (default: beside API_ROOT, e.g. https://STACK/api/ledger)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=None, metavar="FILE", help="write the fixture to FILE (default: stdout)"
    )
    parser.add_argument(
        "--page-size", type=int, default=100, metavar="N", help="v2 page size while following cursors (default: 100)"
    )
    parser.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds per request (default: 10)")
    return parser


def record_main(argv: list[str]) -> int:
    """``orchestration-mock record``: flags -> RecordConfig -> record -> one atomic write."""
    from mockserver.recorder import RecordConfig, RecordError, record, write_document

    parser = build_record_parser()
    args = parser.parse_args(argv)
    try:
        config = RecordConfig(
            api_root=args.api_root,
            api=args.api,
            token=args.token,
            client_id=args.client_id,
            client_secret=args.client_secret,
            token_url=args.token_url,
            instances=args.instances,
            ledgers=args.ledgers,
            ledger_root=args.ledger_url,
            output=args.output,
            page_size=args.page_size,
            timeout=args.timeout,
        )
    except ValueError as exc:
        parser.error(str(exc))
    if config.output is not None and not config.output.parent.is_dir():
        # Said before any request: a recording that could never be written is not worth reading.
        parser.error(f"-o {config.output}: no such directory {config.output.parent}")
    try:
        document = record(config)
        write_document(document, config.output)
    except (RecordError, OSError) as exc:
        print(f"orchestration-mock record: {_one_line(exc)}", file=sys.stderr)
        return 2
    for note in document["recorded"].get("leftOut", []):
        print(f"orchestration-mock record: left out {note}", file=sys.stderr)
    counts = ", ".join(f"{len(document.get(k, []))} {k}" for k in ("workflows", "triggers", "instances"))
    where = config.output or "stdout"
    print(f"orchestration-mock record: {counts} from {config.base} to {where}", file=sys.stderr)
    return 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def serving_config(app: Any, host: str, port: int, *, log_level: str = "info") -> uvicorn.Config:
    """How the command serves the mock (``mockserver.testing`` serves it the same way in a thread)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        # The gateway writes the access log itself, in batches (mockserver/http/accesslog.py).
        access_log=False,
        log_level=log_level,
        loop="uvloop",
        http=GatheringHttpToolsProtocol,  # httptools, one socket write per answer (http/coalesce.py)
        # No Server header and no X-Forwarded-* rewrite of the client: nothing reads either, and the
        # middleware costs every request.
        server_header=False,
        proxy_headers=False,
        lifespan="on",
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["record"]:
        return record_main(argv[1:])
    if argv[:2] == ["webhooks", "listen"]:
        from mockserver.webhooks.listen import main as listen_main

        return listen_main(argv[2:])
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    with _collector_paused():
        with _lean_connexion_import():
            from mockserver.app import create_app

        try:
            settings = settings_from(args)
            mock = create_app(settings)
        except (OSError, ValueError) as exc:
            print(f"orchestration-mock: cannot start: {exc}", file=sys.stderr)
            return 2
    base = f"http://{settings.host}:{settings.port}"
    print(
        f"orchestration-mock ({settings.quirks} mode, {settings.clock} clock) on {base}{GATEWAY_PREFIX}"
        f" (v2: {GATEWAY_PREFIX}/v2)  ui: {base}{GATEWAY_PREFIX}/ui/ and {GATEWAY_PREFIX}/v2/ui/"
        f"  inspector: {base}/_mock/ui/  token: POST {base}/api/auth/oauth/token",
        file=sys.stderr,
    )
    config = serving_config(mock.asgi, settings.host, settings.port)
    _Server(config).run()
    return 0


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Import and build the app with the cyclic collector off, then freeze what was built.

    Importing and wiring allocate some 100k objects that live as long as the process: the
    collector walked them over and over (a dozen young collections and a full one, about
    60 ms of a 0.6 s start). The server freezes its heap once serving anyway (state/gcpolicy);
    freezing it here, uncollected, also keeps the few MB of cyclic garbage the start-up left.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


# Imported by Connexion (or by httpx, which Connexion imports) for what a server never does:
# Starlette's TestClient for ``test_client()``, httpx's command line (which pulls click, rich
# and pygments), requests for specs fetched by URL. About 0.15 s of a 0.45 s start.
_UNUSED_AT_IMPORT = ("starlette.testclient", "httpx._main", "requests")


@contextlib.contextmanager
def _lean_connexion_import() -> Iterator[None]:
    """Import Connexion with stand-ins for modules it names but a server never uses.

    A name taken from a stand-in raises when called. Once Connexion is imported the
    stand-ins are withdrawn, so anything else in the process imports the real modules.
    """
    stand_ins = {name: _stand_in(name) for name in _UNUSED_AT_IMPORT if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        yield
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def _stand_in(name: str) -> types.ModuleType:
    module = types.ModuleType(name)

    def unavailable(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError(f"{name} is not loaded in the orchestration-mock server process")

    def attribute(attr: str) -> object:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return unavailable

    module.__getattr__ = attribute  # type: ignore[method-assign]
    return module


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        with super().capture_signals():
            yield
            # SIGINT/SIGTERM is how the mock is meant to stop: after the graceful shutdown,
            # exit 0 instead of re-raising the signal as uvicorn does.
            self._captured_signals.clear()


if __name__ == "__main__":
    sys.exit(main())
